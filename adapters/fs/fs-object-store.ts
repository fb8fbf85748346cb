import type { BigIntStats, Dirent } from "node:fs";
import { link, mkdir, open, readdir, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { SwampError } from "../../core/errors.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";
import { systemHost } from "../system/system-host.ts";
import { withFileMutex } from "./file-mutex.ts";
import { dirname, join } from "./paths.ts";
import { removeStaleTemps } from "./stale-temps.ts";

const MUTEX_SUFFIX = ".mutex";
const TEMP_SUFFIX = ".tmp";

/**
 * An ObjectStore on a directory, safe across processes and hosts sharing it (NFS included).
 * Create-only is `link()` of a finished temp file (atomic, fails if the key exists).
 * Replace and delete hold a short per-key mutex file (`<key>.mutex`, O_EXCL) around
 * "compare version, then rename/unlink", which makes them linearizable.
 * Version = `${ino}-${mtimeNs}-${size}`; each write stamps its mtime from the clock, and
 * past the current version's mtime, so versions never repeat while a key exists and
 * `modifiedAt` is on the same clock as `serverNow`.
 */
export class FsObjectStore implements ObjectStore {
  readonly description: string;

  constructor(
    readonly rootDir: string,
    private readonly clock: Clock,
    private readonly host: Host = systemHost(),
  ) {
    this.description = `filesystem ${rootDir}`;
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const stats = await statOrNull(this.#path(key));
    return stats ? this.#info(key, stats) : null;
  }

  async get(key: string): Promise<StoredObject | null> {
    const path = this.#path(key);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, "r");
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    try {
      // One open file: body and version come from the same inode even if it is replaced meanwhile.
      const stats = await handle.stat({ bigint: true });
      if (!stats.isFile()) return null;
      const body = new Uint8Array(await handle.readFile());
      return { ...this.#info(key, stats), body };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    } finally {
      await handle.close();
    }
  }

  async put(key: string, body: Uint8Array, when?: Precondition): Promise<WriteResult> {
    const path = this.#path(key);
    if (path.endsWith(TEMP_SUFFIX) || path.endsWith(MUTEX_SUFFIX)) {
      throw new SwampError(
        "validation_failed",
        `Cannot store "${key}": names ending in ${TEMP_SUFFIX} or ${MUTEX_SUFFIX} are reserved for the filesystem datastore's own temp and lock files. Rename the file.`,
      );
    }
    const temp = this.#tempPath(path);
    // The folder usually exists (a lock object is rewritten in place): made only when it is missing.
    await writeFile(temp, body, { flag: "wx" }).catch(async (error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, body, { flag: "wx" });
    });
    let moved = false;
    try {
      if (when && "absent" in when) return await this.#create(path, temp);
      return await withFileMutex(`${path}${MUTEX_SUFFIX}`, this.host, async () => {
        const current = await statOrNull(path);
        const failure = checkVersion(current, when);
        if (failure) return failure;
        const version = await this.#stamp(temp, current);
        await rename(temp, path);
        moved = true;
        return { ok: true, version };
      });
    } finally {
      if (!moved) await rm(temp, { force: true });
    }
  }

  async delete(key: string, when?: { version: string }): Promise<WriteResult> {
    const path = this.#path(key);
    if (!when && !(await statOrNull(path))) return { ok: true, version: "" };
    return withFileMutex(`${path}${MUTEX_SUFFIX}`, this.host, async () => {
      const current = await statOrNull(path);
      const failure = checkVersion(current, when);
      if (failure) return failure;
      if (!current) return { ok: true, version: "" };
      await rm(path, { force: true });
      return { ok: true, version: versionOf(current) };
    });
  }

  async *list(prefix: string, after?: string): AsyncIterable<ObjectInfo> {
    if (prefix !== "") checkKeyChars(prefix);
    const slash = prefix.lastIndexOf("/");
    yield* this.#walk(slash >= 0 ? prefix.slice(0, slash) : "", prefix, after);
  }

  /** Yields files in ascending key order: a folder sorts as its name + "/". */
  async *#walk(dirKey: string, prefix: string, after: string | undefined): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.rootDir, dirKey), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    // Leftovers of interrupted writes in a dir listed anyway (docs/architecture.md, "Temporary files").
    await removeStaleTemps(
      entries.map((entry) => join(this.rootDir, dirKey, entry.name)),
      this.clock.now(),
    );
    const items = entries
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => {
        const key = dirKey === "" ? entry.name : `${dirKey}/${entry.name}`;
        return { key, folder: entry.isDirectory(), order: entry.isDirectory() ? `${key}/` : key };
      })
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
    for (const item of items) {
      if (item.folder) {
        const folder = item.order;
        const overlapsPrefix = folder.startsWith(prefix) || prefix.startsWith(folder);
        const allBeforeAfter = after !== undefined && after > folder && !after.startsWith(folder);
        if (overlapsPrefix && !allBeforeAfter) yield* this.#walk(item.key, prefix, after);
        continue;
      }
      if (item.key.endsWith(TEMP_SUFFIX) || item.key.endsWith(MUTEX_SUFFIX)) continue;
      if (!item.key.startsWith(prefix) || (after !== undefined && item.key <= after)) continue;
      const stats = await statOrNull(join(this.rootDir, item.key));
      if (stats) yield this.#info(item.key, stats);
    }
  }

  async #create(path: string, temp: string): Promise<WriteResult> {
    const version = await this.#stamp(temp, null);
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return { ok: false, reason: "exists" };
      throw error;
    }
    return { ok: true, version };
  }

  /** Sets the temp file's mtime to the clock, past `current`'s, and returns its version. */
  async #stamp(temp: string, current: BigIntStats | null): Promise<string> {
    let ns = BigInt(Math.floor(this.clock.now())) * 1_000_000n;
    // 10 µs: comfortably above the rounding of a float seconds timestamp.
    if (current && ns <= current.mtimeNs) ns = current.mtimeNs + 10_000n;
    const seconds = Number(ns) / 1e9;
    await utimes(temp, seconds, seconds);
    return versionOf(await stat(temp, { bigint: true }));
  }

  #tempPath(path: string): string {
    return join(dirname(path), `.${this.host.uuid()}${TEMP_SUFFIX}`);
  }

  #path(key: string): string {
    checkKeyChars(key);
    if (key.split("/").some((segment) => segment === "" || segment === ".")) {
      throw new SwampError("path_traversal", `Invalid datastore key "${key}": empty or "." path segment.`);
    }
    return join(this.rootDir, key);
  }

  #info(key: string, stats: BigIntStats): ObjectInfo {
    return {
      key,
      size: Number(stats.size),
      version: versionOf(stats),
      modifiedAt: Number(stats.mtimeNs / 1_000_000n),
      serverNow: this.clock.now(),
    };
  }
}

function checkKeyChars(key: string): void {
  if (
    key.startsWith("/") ||
    key.includes("\\") ||
    key.includes("\0") ||
    key.split("/").some((segment) => segment === "..")
  ) {
    throw new SwampError(
      "path_traversal",
      `Path traversal detected: datastore key "${key.replaceAll("\0", "\\0")}" must be a relative path without "..", backslashes or NUL.`,
    );
  }
}

function checkVersion(current: BigIntStats | null, when?: { version: string }): WriteResult | null {
  if (!when) return null;
  if (!current) return { ok: false, reason: "missing" };
  return versionOf(current) === when.version ? null : { ok: false, reason: "changed" };
}

function versionOf(stats: BigIntStats): string {
  return `${stats.ino}-${stats.mtimeNs}-${stats.size}`;
}

async function statOrNull(path: string): Promise<BigIntStats | null> {
  try {
    const stats = await stat(path, { bigint: true });
    return stats.isFile() ? stats : null;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}
