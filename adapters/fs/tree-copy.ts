import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { slidingWindow } from "../../core/sliding-window.ts";

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

const REMOVED_AT_ONCE = 16;

/** Removes the copied files from `src` and any directories left empty by that. */
export async function removeFiles(src: string, files: readonly string[]): Promise<void> {
  const dirs = new Set<string>();
  for (const rel of files) {
    for (let d = dirname(rel); d !== "." && d !== ""; d = dirname(d)) dirs.add(d);
  }
  await slidingWindow(files, REMOVED_AT_ONCE, (rel) => rm(join(src, rel), { force: true }));
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const left = await readdir(join(src, d)).catch(() => null);
    if (left && left.length === 0) await rm(join(src, d), { recursive: true, force: true });
  }
}
