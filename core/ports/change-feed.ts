import type { DataNameKey } from "../data-record.ts";

/** What changed in the datastore since a reader's cursor. Cursors are opaque: only the feed reads them. */
export type ChangesSince =
  | { kind: "unchanged" }
  /** These names changed (each once); re-read them, then remember `cursor`. */
  | { kind: "names"; names: DataNameKey[]; cursor: string }
  /**
   * The feed cannot say what changed (no cursor yet, the feed was replaced, damaged or unreadable):
   * read everything. `problem`, when set, is what went wrong, in words for the user.
   */
  | { kind: "unknown"; cursor: string; problem?: string };

/**
 * The datastore's record of which data names were changed, by any repo or process using it.
 * Every repo's catalog follows it, so that records written or deleted elsewhere show up here.
 */
export interface ChangeFeed {
  /** The changes after `cursor`. Null means the reader has never followed this feed: the answer is then `unknown`. */
  since(cursor: string | null): Promise<ChangesSince>;
}
