import type { HydrateResult } from "../../core/ports/sync-service.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import { contentMetadataOf } from "../../core/sync/version-files.ts";
import { unplaceable } from "./cache-files.ts";
import type { EngineParts } from "./engine-parts.ts";
import { sha256Hex } from "./hash-file.ts";
import type { SyncRun } from "./sync-run.ts";
import type { LocalEntry, SyncStateFile } from "./sync-state-file.ts";

/**
 * The local index of the last sync, read once per recorded sync: a query hydrating many rows asks
 * for it once per row, and index.json grows with the datastore.
 */
export class IndexMemo {
  #known: { id: string; index: Map<string, LocalEntry> } | null = null;

  constructor(private readonly state: SyncStateFile) {}

  async read(): Promise<Map<string, LocalEntry> | null> {
    const state = this.state.readState();
    if (this.#known !== null && this.#known.id === state.indexId && (await this.state.indexTrusted(state))) {
      return this.#known.index;
    }
    const snapshot = await this.state.snapshot();
    const id = snapshot.state.indexId;
    this.#known = snapshot.index && id !== null ? { id, index: snapshot.index } : null;
    return snapshot.index;
  }
}

/**
 * Fetches files the index of the last sync names and the cache lacks (docs/architecture.md,
 * "Lazy hydration"): `paths`, or every version content when null. Each is checked against the
 * index's sha256 and written atomically; a file already in the cache is never replaced. Nothing
 * in the sync state changes: a fetched file matches its entry, and the next push sees no change.
 */
export async function hydrate(
  parts: EngineParts,
  run: SyncRun,
  memo: IndexMemo,
  paths: readonly string[] | null,
): Promise<HydrateResult> {
  const index = await memo.read();
  const failed: HydrateResult["failed"] = [];
  if (index === null) {
    const reason = "this cache has not been synced yet: run 'swamp datastore sync --pull' first";
    return { fetched: 0, failed: (paths ?? []).map((path) => ({ path, reason })), requests: 0 };
  }
  const wanted = paths ?? [...index.keys()].filter((rel) => contentMetadataOf(rel) !== null);
  const prefix = parts.config.remotePrefix;
  let fetched = 0;
  let done = 0;
  let bytes = 0;
  const fail = (path: string, reason: string) => failed.push({ path, reason });
  await slidingWindow(
    wanted,
    parts.config.concurrency.pull,
    async (rel) => {
      const entry = index.get(rel);
      const target = await parts.files.resolve(rel);
      if (entry === undefined) fail(rel, "not in the index this cache last synced");
      else if ("reason" in target) fail(rel, target.reason);
      else if (target.file === null) {
        const object = await run.store.get(prefix + rel, run.signal);
        if (object === null) fail(rel, `listed in the index but missing from ${run.store.description}`);
        else if (sha256Hex(object.body) !== entry.sha256) {
          fail(rel, `the bytes in ${run.store.description} do not match the index's sha256`);
        } else {
          run.signal.throwIfAborted();
          const written = await parts.files
            .writeAtomic(target.path, object.body, run.signal)
            .catch((error: unknown) => unplaceable(error) ?? Promise.reject(error));
          if (typeof written === "string") fail(rel, written);
          else {
            fetched++;
            bytes += object.body.byteLength;
          }
        }
      }
      run.progress("download", ++done, wanted.length, { bytes });
    },
    run.signal,
  );
  failed.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { fetched, failed, requests: run.store.total() };
}
