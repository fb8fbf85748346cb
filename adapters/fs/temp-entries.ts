import type { Dirent } from "node:fs";
import { lstat, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { TempEntry } from "../../core/doctor/leftover-findings.ts";
import { SwampError } from "../../core/errors.ts";

/** Every swamp writer stages in `.{uuid}.tmp` (a file, or a version's directory) beside the target. */
const TEMP_NAME = /^\..+\.tmp$/;
/** Directories visited at most: a datastore of a million versions holds about four million. */
const MAX_DIRECTORIES = 10_000_000;

/** The temp files and directories under `root` (not looked into; symlinks not followed). */
export async function findTempEntries(root: string, signal?: AbortSignal): Promise<TempEntry[]> {
  const found: TempEntry[] = [];
  const queue = [root];
  for (let visited = 0; queue.length > 0; visited++) {
    signal?.throwIfAborted();
    if (visited >= MAX_DIRECTORIES) {
      throw new SwampError(
        "internal",
        `${root} holds more than ${MAX_DIRECTORIES} directories; its temp files were not all checked.`,
      );
    }
    const dir = queue.pop() as string;
    for (const entry of await entriesOf(dir)) {
      const path = join(dir, entry.name);
      if (TEMP_NAME.test(entry.name)) {
        const info = await lstat(path).catch(() => null);
        if (info) found.push({ path, directory: info.isDirectory(), modifiedAt: info.mtimeMs });
      } else if (entry.isDirectory()) {
        queue.push(path);
      }
    }
  }
  return found;
}

/** Removes one temp file or directory, with everything in it. */
export function removeTempEntry(path: string): Promise<void> {
  if (!TEMP_NAME.test(basename(path))) {
    return Promise.reject(new SwampError("internal", `refusing to remove ${path}: not a temp file`));
  }
  return rm(path, { recursive: true, force: true });
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw error;
  }
}
