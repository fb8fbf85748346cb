import type { ListedObject, MetaReading, ShardReading } from "../../core/doctor/index-findings.ts";
import { SwampError } from "../../core/errors.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import { outOfScope, scopeOf } from "../../core/sync/sync-keys.ts";
import { RemoteIndex } from "./remote-index.ts";

/** Shards read at once. */
const SHARD_CONCURRENCY = 16;
/** Surveys started over when a commit lands in the middle of one, before giving up. */
const MAX_ATTEMPTS = 3;

export interface BucketSurvey {
  meta: MetaReading;
  listed: ListedObject[];
}

/**
 * The index of a namespace and one listing of its keys (solo mode's without the namespaces'
 * folders), taken so that they agree: the meta and its shards are read first (so every object
 * they name was uploaded before the listing began), and the survey starts over when the meta
 * changed by the end of the listing (a commit may have deleted objects the earlier meta named).
 */
export async function surveyBucket(
  store: ObjectStore,
  prefix: string,
  signal: AbortSignal,
): Promise<BucketSurvey> {
  // Read-only: the id source is never asked for (only shard writes use it).
  const remote = new RemoteIndex(store, prefix, () => crypto.randomUUID());
  const scope = scopeOf(prefix);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const before = await remote.inspectMeta(signal);
    const meta = await readIndex(remote, before, signal);
    const listed: ListedObject[] = [];
    for await (const info of store.list(prefix, undefined, signal)) {
      const rel = info.key.slice(prefix.length);
      // Solo mode's listing also holds every namespace's keys: never judged against its index.
      if (outOfScope(rel, scope)) continue;
      listed.push({
        rel,
        version: info.version,
        modifiedAt: info.modifiedAt,
        serverNow: info.serverNow,
      });
    }
    const after = await remote.inspectMeta(signal);
    if ((after?.version ?? null) === (before?.version ?? null)) return { meta, listed };
  }
  throw new SwampError(
    "sync_failed",
    `the index of ${store.description} changed during each of ${MAX_ATTEMPTS} surveys: writers are busy. Run 'swamp doctor' again once they are done.`,
  );
}

async function readIndex(
  remote: RemoteIndex,
  meta: Awaited<ReturnType<RemoteIndex["inspectMeta"]>>,
  signal: AbortSignal,
): Promise<MetaReading> {
  if (meta === null) return { kind: "absent" };
  if (!("meta" in meta)) return { kind: "unreadable", reason: meta.unreadable };
  const shards = new Map<string, ShardReading>();
  await slidingWindow(
    [...meta.meta.partitions],
    SHARD_CONCURRENCY,
    async ([pk, ref]) => {
      const shard = await remote.inspectShard(pk, ref, signal);
      shards.set(pk, shard === null ? { missing: true } : shard);
    },
    signal,
  );
  return { kind: "read", meta: meta.meta, shards };
}
