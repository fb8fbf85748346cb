import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { METADATA, VERSION_DIR } from "./version-walk.ts";

const isMissing = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
};

/** The entries of a directory; none when it is missing. */
export async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/**
 * The highest version dir of a data name holding metadata.yaml (crash leftovers without it are
 * not versions), among `names` (the name dir's entries, listed by the caller) or a fresh listing.
 */
export async function highestComplete(nameDir: string, names?: readonly string[]): Promise<number | null> {
  const numbers = (names ?? (await entriesOf(nameDir)))
    .filter((name) => VERSION_DIR.test(name))
    .map(Number)
    .sort((a, b) => b - a);
  for (const n of numbers) {
    const complete = await stat(join(nameDir, String(n), METADATA)).then(
      () => true,
      (e) => (isMissing(e) ? false : Promise.reject(e)),
    );
    if (complete) return n;
  }
  return null;
}
