import { formatDuration } from "../duration-text.ts";
import type { Finding } from "./finding.ts";
import { REPAIR_COMMAND } from "./fix-commands.ts";
import { isPastGrace } from "./grace-period.ts";

/** A `.{uuid}.tmp` file or directory: where a write stages its bytes before renaming them into place. */
export interface TempEntry {
  path: string;
  directory: boolean;
  /** When it was last written, on the same clock as `now`. */
  modifiedAt: number;
}

/**
 * Temp files and directories past the grace period are leftovers of writes that never finished
 * (a crash, a kill): nothing reads them, and they take space. Younger ones may be writes in flight.
 */
export function leftoverFindings(entries: readonly TempEntry[], now: number, graceMs: number): Finding[] {
  return entries
    .filter((entry) => isPastGrace(now - entry.modifiedAt, graceMs))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((entry) => ({
      code: "leftover_temp",
      subject: entry.path,
      problem: true,
      message: `a temp ${entry.directory ? "directory" : "file"} left by a write that never finished, ${formatDuration(now - entry.modifiedAt)} old: nothing reads it.`,
      fix: REPAIR_COMMAND,
      repair: { kind: "delete_leftover", path: entry.path },
    }));
}
