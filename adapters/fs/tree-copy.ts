import { randomUUID } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

export interface TreeCopyResult {
  /** Files written by this call. */
  copied: number;
  bytes: number;
  /** Files already at the destination with the same bytes (a re-run after an interruption). */
  alreadyPresent: number;
  /** Relative paths present at both ends with different bytes: never overwritten. */
  conflicts: string[];
}

/** Every file under `dir` as forward-slash paths relative to it, skipping what `skip` rejects. */
export async function listFiles(
  dir: string,
  skip: (rel: string) => boolean = () => false,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(
      (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return [];
        throw e;
      },
    );
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (skip(child)) continue;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  await walk("");
  return out.sort();
}

/**
 * Copies `files` from `src` to `dst`, each atomically (temp + rename), never overwriting a
 * different file, so an interrupted copy can simply be run again.
 */
export async function copyFiles(src: string, dst: string, files: readonly string[]): Promise<TreeCopyResult> {
  const result: TreeCopyResult = { copied: 0, bytes: 0, alreadyPresent: 0, conflicts: [] };
  for (const rel of files) {
    const from = join(src, rel);
    const to = join(dst, rel);
    const existing = await stat(to).catch(() => null);
    if (existing) {
      const same = (await readFile(from)).equals(await readFile(to));
      if (same) result.alreadyPresent++;
      else result.conflicts.push(rel);
      continue;
    }
    await mkdir(dirname(to), { recursive: true });
    const tmp = join(dirname(to), `.${randomUUID()}.tmp`);
    await copyFile(from, tmp);
    await rename(tmp, to);
    result.copied++;
    result.bytes += (await stat(to)).size;
  }
  return result;
}

/** Removes the copied files from `src` and any directories left empty by that. */
export async function removeFiles(src: string, files: readonly string[]): Promise<void> {
  const dirs = new Set<string>();
  for (const rel of files) {
    await rm(join(src, rel), { force: true });
    for (let d = dirname(rel); d !== "." && d !== ""; d = dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const left = await readdir(join(src, d)).catch(() => null);
    if (left && left.length === 0) await rm(join(src, d), { recursive: true, force: true });
  }
}
