import { LATEST_MARKER } from "../../core/sync/version-files.ts";
import { isTempName } from "../../core/temp-files.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { type MutexHost, withFileMutex } from "./file-mutex.ts";
import { fsp } from "./lazy-fs.ts";
import { namesIn } from "./native-read.ts";
import { join } from "./paths.ts";
import { removeStaleTemps } from "./stale-temps.ts";
import { highestComplete } from "./version-dirs.ts";

const MUTEX = ".latest.mutex";

/**
 * How a marker follows its version dirs: `advance` after a new version (it never moves back,
 * whatever it held), `exact` after versions went away or were renumbered.
 */
export type MarkerUpdate = "advance" | "exact";

/**
 * Rewrites a data name's `latest` marker from its version dirs (docs/architecture.md, "The latest
 * marker"), under a per-name mutex: read-then-write by concurrent writers, in one process or many,
 * could otherwise land a lower number after a higher one. Removes the marker when no version is
 * left, and the stale temps of the name dir it lists. Returns the highest version, or null.
 */
export async function refreshLatestMarker(
  nameDir: string,
  update: MarkerUpdate,
  deps: { host: MutexHost; now: number },
): Promise<number | null> {
  try {
    return await withFileMutex(join(nameDir, MUTEX), deps.host, async () => {
      const names = namesIn(nameDir);
      await removeStaleTemps(
        names.filter(isTempName).map((name) => join(nameDir, name)),
        deps.now,
      );
      const top = await highestComplete(nameDir, names);
      const marker = join(nameDir, LATEST_MARKER);
      if (top === null) {
        await fsp().rm(marker, { force: true });
        return null;
      }
      const held = Number.parseInt(
        await fsp()
          .readFile(marker, "utf8")
          .catch(() => "0"),
        10,
      );
      const stale = update === "exact" ? held !== top : !(held >= top);
      if (stale) await writeFileAtomic(marker, String(top));
      return top;
    });
  } catch (e) {
    // The name dir went away meanwhile (its name was deleted): there is no marker to keep.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
