import { isFile, namesIn } from "./native-read.ts";
import { join } from "./paths.ts";
import { METADATA, VERSION_DIR } from "./version-walk.ts";

/**
 * The highest version dir of a data name holding metadata.yaml (crash leftovers without it are
 * not versions), among `names` (the name dir's entries, listed by the caller) or a fresh listing.
 */
export async function highestComplete(nameDir: string, names?: readonly string[]): Promise<number | null> {
  const numbers = (names ?? namesIn(nameDir))
    .filter((name) => VERSION_DIR.test(name))
    .map(Number)
    .sort((a, b) => b - a);
  for (const n of numbers) {
    if (await isFile(join(nameDir, String(n), METADATA))) return n;
  }
  return null;
}
