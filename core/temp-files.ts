/**
 * Leftovers of interrupted commands (docs/architecture.md, "Temporary files"): atomic writes and
 * version staging go through `.{uuid}.tmp` files and dirs (`{file}.{uuid}.tmp` beside the sync
 * state). A command that lists a directory anyway removes those older than the grace period;
 * a live one, still being written by a concurrent command, is always younger.
 */
export const TEMP_GRACE_MS = 60 * 60 * 1000;

const TEMP_NAME = /[.-][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/i;

/** Whether a directory entry's name is one of swamp's temp names. */
export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Whether a temp whose newest write (of it, or of a file it holds) was at `newestMs` is a leftover at `now`. */
export function isStaleTemp(newestMs: number, now: number, graceMs = TEMP_GRACE_MS): boolean {
  return now - newestMs > graceMs;
}

/**
 * A temp name that says which process writes it, for folders only this machine uses (a bucket's
 * cache): `.{pid}-{uuid}.tmp`. Once that process is gone its temp can go at once, without waiting
 * for the grace period (a `kill -9` between a download's write and its rename leaves one).
 */
export function processTempName(pid: number, uuid: string): string {
  return `.${pid}-${uuid}.tmp`;
}

/** The pid a `processTempName` names; null for any other name. */
export function tempWriterPid(name: string): number | null {
  const match = /^\.(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/i.exec(name);
  return match ? Number(match[1]) : null;
}
