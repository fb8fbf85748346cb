/**
 * Reads through Bun's own file APIs, which cost nothing to load in the compiled binary (see
 * lazy-fs.ts): the read path of `data get` and of every command's start uses these only.
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

/**
 * A small file's bytes, synchronously (a query reads thousands, and an async read costs a trip
 * through the thread pool), copied out of a mapping at once. For files swamp replaces by a rename
 * and never rewrites in place (versions, model definitions, .swamp.yaml): one truncated by someone
 * else within the microseconds of the copy would crash the process instead of failing the read.
 * Throws as node:fs does when the file is missing.
 */
export function readWholeSync(path: string): Uint8Array {
  try {
    return Bun.mmap(path).slice();
  } catch (e) {
    // An empty file cannot be mapped.
    if ((e as NodeJS.ErrnoException).code === "EINVAL" && Bun.file(path).size === 0) return new Uint8Array();
    throw e;
  }
}
