/**
 * Reads through Bun's own file APIs, which cost nothing to load in the compiled binary (see
 * lazy-fs.ts): the read path of `data get` and of every command's start uses these and Bun.file
 * only. (Not Bun.mmap: it opens files for writing, which a read-only datastore refuses.)
 */

const ALL = new Bun.Glob("*");

const isMissing = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
};

/** The names in a directory, dot names included; none when it is missing. */
export function namesIn(dir: string): string[] {
  try {
    return [...ALL.scanSync({ cwd: dir, onlyFiles: false, dot: true })];
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/** The files under `dir` (relative, `/`-separated) matching `pattern`; none when it is missing. */
export function filesUnder(dir: string, pattern: string): string[] {
  try {
    return [...new Bun.Glob(pattern).scanSync({ cwd: dir, onlyFiles: true, dot: true })];
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/** Whether `path` is a regular file (a directory is not). */
export function isFile(path: string): Promise<boolean> {
  return Bun.file(path).exists();
}
