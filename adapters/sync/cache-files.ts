import { lstat, mkdir, realpath, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import {
  checkScopedRel,
  INTERNAL_FILE,
  isUnder,
  SYNC_STATE_DIRNAME,
  type SyncScope,
} from "../../core/sync/sync-keys.ts";
import { processTempName } from "../../core/temp-files.ts";
import { removeStaleTempsIn, writerGoneOn } from "../fs/stale-temps.ts";

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** Where atomic writes into the cache are staged, inside the cache (so a rename moves them into place). */
const STAGING = `${SYNC_STATE_DIRNAME}/staging`;

/**
 * The engine's only way to touch the cache: every path is checked (docs/architecture.md, "Which
 * files sync", and no parent directory that is a symlink leading out of the cache) before anything
 * is written or removed, and writes are atomic (a temp file in the cache's staging dir, then a
 * rename). Temps left there by interrupted commands go at the first write of the next one
 * (docs/architecture.md, "Temporary files").
 */
export class CacheFiles {
  #root: Promise<string> | undefined;
  #staging: Promise<string> | undefined;
  #caseInsensitive: Promise<boolean> | undefined;
  /** Absolute dirs seen to be folders inside the cache (or made by a write): see resolve. */
  readonly #folders = new Set<string>();

  /**
   * `scope`: what the engine syncs (solo mode leaves namespaces' folders alone); `reserved`:
   * cache-relative dirs the engine owns (its state dir when inside the cache).
   */
  constructor(
    readonly cacheDir: string,
    private readonly host: Host,
    private readonly clock: Pick<Clock, "now">,
    private readonly scope: SyncScope,
    private readonly reserved: readonly string[] = [],
  ) {}

  /** Null when `rel` may cross between cache and store; otherwise why not. */
  check(rel: string): string | null {
    return (
      checkScopedRel(rel, this.scope) ??
      (this.reserved.some((dir) => isUnder(rel, dir)) ? INTERNAL_FILE : null)
    );
  }

  /** The cache dir with symlinks resolved (created if missing). */
  root(): Promise<string> {
    this.#root ??= mkdir(this.cacheDir, { recursive: true }).then(() => realpath(this.cacheDir));
    return this.#root;
  }

  /**
   * The absolute path of `rel` and what is there now (a regular file's stat, else null), or why it
   * may not be touched. A parent seen to be a folder inside the cache is not looked at again by
   * this engine (one lstat per folder, not per file in it) until the engine removes it.
   */
  async resolve(rel: string): Promise<{ path: string; file: FileStat | null } | { reason: string }> {
    const reason = this.check(rel);
    if (reason !== null) return { reason };
    const root = await this.root();
    const segments = rel.split("/");
    let current = root;
    for (const segment of segments.slice(0, -1)) {
      current = `${current}${sep}${segment}`;
      if (this.#folders.has(current)) continue;
      const info = await lstat(current).catch(() => null);
      if (info === null) break;
      if (info.isSymbolicLink()) {
        const target = await realpath(current).catch(() => null);
        if (target === null || !isInside(root, target)) {
          return {
            reason: `a parent directory (${relative(root, current)}) is a symlink leading out of the cache`,
          };
        }
      } else if (!info.isDirectory()) {
        return { reason: `a parent (${relative(root, current)}) is a file in the cache, not a folder` };
      }
      this.#folders.add(current);
    }
    const path = join(root, ...segments);
    const info = await lstat(path).catch(() => null);
    if (info?.isDirectory()) {
      return { reason: "a folder of that name is in the cache, so the file cannot be written there" };
    }
    return { path, file: info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null };
  }

  /** The absolute path of the directory `rel`, checked like the parents of a file in it. */
  async resolveDir(rel: string): Promise<{ path: string } | { reason: string }> {
    const inside = await this.resolve(`${rel}/_`);
    return "reason" in inside ? inside : { path: dirname(inside.path) };
  }

  /** Size and mtime of a regular file; null when absent or not a regular file. */
  async statFile(path: string): Promise<FileStat | null> {
    const info = await lstat(path).catch(() => null);
    return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
  }

  /** Writes `bytes` to `path` atomically and returns the new file's stat. */
  async writeAtomic(path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<FileStat> {
    const staging = await this.#stagingDir();
    const dir = dirname(path);
    if (!this.#folders.has(dir)) await this.#makeFolder(dir);
    try {
      await this.#writeVia(staging, path, bytes, signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        // Its folder went meanwhile (another command sharing the cache removed it when it emptied).
        await this.#makeFolder(dir);
        await this.#writeVia(staging, path, bytes, signal);
      } else if (code === "EXDEV") {
        // Another filesystem is mounted inside the cache: stage beside the file instead.
        await this.#writeVia(dir, path, bytes, signal);
      } else throw error;
    }
    const info = await stat(path);
    return { size: info.size, mtimeMs: info.mtimeMs };
  }

  async #makeFolder(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    this.#folders.add(dir);
  }

  async #writeVia(dir: string, path: string, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const tmp = join(dir, processTempName(this.host.pid, this.host.uuid()));
    try {
      await writeFile(tmp, bytes);
      signal?.throwIfAborted();
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /**
   * Whether the cache's disk takes names that differ only in case for one (macOS and Windows by
   * default): probed once, by creating a file in the staging dir and looking it up in upper case.
   */
  caseInsensitive(): Promise<boolean> {
    this.#caseInsensitive ??= this.#stagingDir().then(async (dir) => {
      const probe = join(dir, `.case-probe-${this.host.uuid()}.tmp`);
      await writeFile(probe, "");
      try {
        return (await lstat(join(dir, basename(probe).toUpperCase())).catch(() => null)) !== null;
      } finally {
        await rm(probe, { force: true });
      }
    });
    return this.#caseInsensitive;
  }

  /**
   * Clears the staging dir of what interrupted commands left, at the start of every pull and push:
   * one listing, also when this command writes nothing.
   */
  async sweepStaging(): Promise<void> {
    await this.#stagingDir();
  }

  /** The staging dir, created (and cleared of stale temps) once per engine. */
  #stagingDir(): Promise<string> {
    this.#staging ??= this.root().then(async (root) => {
      const dir = join(root, ...STAGING.split("/"));
      await mkdir(dir, { recursive: true });
      await removeStaleTempsIn(dir, this.clock.now(), writerGoneOn(this.host));
      return dir;
    });
    return this.#staging;
  }

  /** Removes a file, then the directories it leaves empty (up to the cache dir). */
  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
    const root = await this.root();
    for (let dir = dirname(path); isInside(root, dir) && dir !== root; dir = dirname(dir)) {
      const removed = await rmdir(dir).then(
        () => true,
        () => false,
      );
      if (!removed) break;
      this.#folders.delete(dir);
    }
  }
}

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * Why the cache's filesystem refused to place a file, for errors that concern that one path
 * (docs/architecture.md, "Keys that cannot be placed"); null for any other failure (no space,
 * no permission), which stops the pull.
 */
export function unplaceable(error: unknown): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENAMETOOLONG":
      return "its path is too long for the cache's filesystem (ENAMETOOLONG)";
    case "EISDIR":
      return "a folder of that name is in the cache, so the file cannot be written there";
    case "ENOTDIR":
    case "EEXIST":
      return `a file in the cache stands where one of its folders should be (${code})`;
    case "EILSEQ":
    case "EINVAL":
      return `the cache's filesystem refuses the name (${code})`;
    default:
      return null;
  }
}
