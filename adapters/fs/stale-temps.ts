import type { Host } from "../../core/ports/host.ts";
import { isStaleTemp, isTempName, tempWriterPid } from "../../core/temp-files.ts";
import { fsp } from "./lazy-fs.ts";
import { basename, join } from "./paths.ts";

/**
 * Removes the temp files and dirs among `paths` (entries of directories the caller listed anyway)
 * that are older than the grace period: leftovers of interrupted commands (docs/architecture.md,
 * "Temporary files"). Best effort: a temp that cannot be removed stays for the next command.
 * Returns how many were removed.
 */
export async function removeStaleTemps(
  paths: Iterable<string>,
  now: number,
  writerGone: (name: string) => boolean = () => false,
): Promise<number> {
  let removed = 0;
  for (const path of paths) {
    const name = basename(path);
    if (!isTempName(name)) continue;
    if (!writerGone(name)) {
      const newest = await newestWrite(path);
      if (newest === null || !isStaleTemp(newest, now)) continue;
    }
    await fsp()
      .rm(path, { recursive: true, force: true })
      .then(
        () => removed++,
        () => {},
      );
  }
  return removed;
}

/** Removes the stale temps directly inside `dir` (one listing), and those `writerGone` names; missing dirs hold none. */
export async function removeStaleTempsIn(
  dir: string,
  now: number,
  writerGone?: (name: string) => boolean,
): Promise<number> {
  const names = await fsp()
    .readdir(dir)
    .catch(() => [] as string[]);
  return removeStaleTemps(
    names.map((name) => join(dir, name)),
    now,
    writerGone,
  );
}

/**
 * When `path` was last written: a staging dir's own time stops when its last file is created,
 * so a file it holds that is still being written keeps it young.
 */
async function newestWrite(path: string): Promise<number | null> {
  const info = await fsp()
    .lstat(path)
    .catch(() => null);
  if (info === null) return null;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of await fsp()
    .readdir(path)
    .catch(() => [] as string[])) {
    const child = await fsp()
      .lstat(join(path, name))
      .catch(() => null);
    if (child !== null) newest = Math.max(newest, child.mtimeMs);
  }
  return newest;
}

/**
 * Whether a temp was written by a process of this machine that has ended (`processTempName`): for
 * folders only this machine uses, such a temp can go at once.
 */
export function writerGoneOn(host: Pick<Host, "pid" | "isPidAlive">): (name: string) => boolean {
  return (name) => {
    const pid = tempWriterPid(name);
    return pid !== null && pid !== host.pid && !host.isPidAlive(pid);
  };
}
