import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Clock } from "../../core/ports/clock.ts";
import type { FileDigest, FileTree } from "../../core/ports/file-tree.ts";
import type { Host } from "../../core/ports/host.ts";
import { processTempName } from "../../core/temp-files.ts";
import { refreshLatestMarker } from "./latest-marker.ts";
import { listFiles, removeFiles } from "./tree-copy.ts";

/** Files up to this size are digested from one read; larger ones streamed. */
const READ_WHOLE_BYTES = 1024 * 1024;

/** A folder on the local disk as a `FileTree` (docs/architecture.md, "Migration"). */
export class FsFileTree implements FileTree {
  /** Folders this tree made for copies. */
  readonly #made = new Set<string>();

  constructor(
    readonly root: string,
    private readonly deps: { clock: Clock; host: Host },
  ) {}

  get location(): string {
    return this.root;
  }

  list(skip: (path: string) => boolean): Promise<string[]> {
    return listFiles(this.root, skip);
  }

  async digest(path: string): Promise<FileDigest | null> {
    const file = join(this.root, path);
    const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "ENOTDIR") return null;
      throw e;
    });
    if (!info?.isFile()) return null;
    const hash = createHash("sha256");
    if (info.size <= READ_WHOLE_BYTES) {
      // One read: a stream's set-up costs more than a small file's bytes.
      const bytes = await readFile(file);
      return { size: bytes.byteLength, sha256: hash.update(bytes).digest("hex") };
    }
    let size = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { size, sha256: hash.digest("hex") };
  }

  async read(path: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(join(this.root, path)));
  }

  /** A temp beside the target, then a rename (docs/architecture.md, "Temporary files"). */
  async copyFrom(source: FileTree, path: string): Promise<boolean> {
    const to = join(this.root, path);
    if (await stat(to).catch(() => null)) return false;
    const dir = dirname(to);
    // A move copies many files into each folder: each is made once.
    if (!this.#made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.#made.add(dir);
    }
    // Named by its process: a sync of a cache clears it once the process is gone.
    const tmp = join(dir, processTempName(this.deps.host.pid, this.deps.host.uuid()));
    try {
      if (source instanceof FsFileTree) await copyFile(join(source.root, path), tmp);
      else await writeFile(tmp, await source.read(path));
      await rename(tmp, to);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return true;
  }

  remove(paths: readonly string[]): Promise<void> {
    this.#made.clear();
    return removeFiles(this.root, paths);
  }

  async refreshLatestMarker(nameDir: string): Promise<void> {
    await refreshLatestMarker(join(this.root, nameDir), "exact", {
      host: this.deps.host,
      now: this.deps.clock.now(),
    });
  }
}
