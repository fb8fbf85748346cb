// Worker entry (a build entrypoint): walks a datastore's versions off the main thread and posts them
// in batches, so that a catalog backfill inserts rows while the next ones are read from disk.
import type { WalkMessage, WalkRequest } from "./threaded-version-walk.ts";
import { walkVersions } from "./version-walk.ts";

declare const self: Worker;

/** Directories per posted batch: few messages, and the first rows arrive early. */
const DIRS_PER_BATCH = 256;

const post = (message: WalkMessage) => self.postMessage(message);

self.onmessage = (event: MessageEvent<WalkRequest>) => {
  try {
    for (const batch of walkVersions(event.data.dataDir, DIRS_PER_BATCH)) post({ kind: "batch", batch });
    post({ kind: "done" });
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    post({ kind: "error", message: error.message, ...(error.code ? { code: error.code } : {}) });
  }
};
