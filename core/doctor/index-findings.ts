import { formatDuration } from "../duration-text.ts";
import { isNamespaceSlug } from "../namespace.ts";
import type { ObjectInfo } from "../ports/object-store.ts";
import { indexRegression, type KnownIndex } from "../sync/index-progress.ts";
import { INDEX_PREFIX, type IndexEntry, type IndexMeta, META_KEY, NEWER_INDEX } from "../sync/sync-index.ts";
import { checkRemoteRel } from "../sync/sync-keys.ts";
import { isLatestMarker } from "../sync/version-files.ts";
import type { Finding } from "./finding.ts";
import { DOCTOR_COMMAND, REPAIR_COMMAND, REPUBLISH_COMMAND } from "./fix-commands.ts";
import { isPastGrace } from "./grace-period.ts";

/** One object of the store's listing; its age is judged on the store's clock. */
export interface ListedObject extends Pick<ObjectInfo, "version" | "modifiedAt" | "serverNow"> {
  /** The key below the namespace's prefix, as index entries name it. */
  rel: string;
}

export type ShardReading =
  | { entries: ReadonlyMap<string, IndexEntry> }
  | { missing: true }
  | { unreadable: string };

export type MetaReading =
  | { kind: "absent" }
  | { kind: "unreadable"; reason: string }
  | { kind: "read"; meta: IndexMeta; shards: ReadonlyMap<string, ShardReading> };

/** One listing of a namespace's keys and the index read just before it. */
export interface BucketFacts {
  /** The namespace's key prefix in the store: "" (solo) or "{ns}/". */
  prefix: string;
  meta: MetaReading;
  listed: readonly ListedObject[];
  /** What this clone last synced to: a meta behind it is damage, not a change. */
  known: KnownIndex;
  graceMs: number;
  /** Whether this clone's cache holds these bytes at `rel` (then a republish from here restores them). */
  cacheHolds(rel: string, sha256: string): boolean;
}

/**
 * The store against its index (docs/architecture.md, "Doctor"): an index that cannot be read or
 * followed; objects it names that are missing; objects it does not name (uploads of pushes that
 * never committed, old `latest` markers) and shards no meta names, which are problems only once
 * past the grace period (younger ones may belong to a push in flight). Nothing is judged an
 * orphan against a damaged index: that index may be the one that lost track of it.
 */
export function indexFindings(facts: BucketFacts): Finding[] {
  const { prefix, meta } = facts;
  const metaKey = `${prefix}${META_KEY}`;
  if (meta.kind === "unreadable" && meta.reason.startsWith(NEWER_INDEX)) {
    return [
      {
        code: "index_newer",
        subject: metaKey,
        problem: true,
        message: `the index was ${meta.reason}: this build can neither read it nor replace it. Upgrade swamp on this machine, then run doctor again.`,
        fix: DOCTOR_COMMAND,
      },
    ];
  }
  if (meta.kind === "unreadable") {
    return [
      damage(
        "index_unreadable",
        metaKey,
        `the index meta is unreadable (${meta.reason}): every pull and push stops on it.`,
      ),
    ];
  }
  const regression = indexRegression(facts.known, meta.kind === "read" ? meta.meta : null);
  if (regression !== null) {
    return [
      damage(
        "index_regressed",
        metaKey,
        `the index cannot be followed: ${regression}. Pulls refuse it and no push commits over it.`,
      ),
    ];
  }
  const ours = facts.listed.filter((o) => prefix !== "" || !inOtherNamespace(o.rel));
  if (meta.kind === "absent") {
    const data = ours.filter((o) => isSyncable(o.rel)).length;
    if (data === 0) return [];
    return [
      damage(
        "index_missing",
        metaKey,
        `${data} object(s) are in the store but there is no index: clones cannot follow what is there.`,
      ),
    ];
  }
  const shardDamage = [...meta.shards].flatMap(([pk, shard]) => shardFindings(prefix, pk, meta.meta, shard));
  if (shardDamage.length > 0) return shardDamage;
  const entries = new Map<string, IndexEntry>();
  for (const shard of meta.shards.values())
    if ("entries" in shard) for (const [rel, e] of shard.entries) entries.set(rel, e);
  const shards = new Set([...meta.meta.partitions.values()].map((ref) => ref.key));
  return [...missingObjects(facts, entries, ours), ...unindexedObjects(facts, entries, shards, ours)];
}

function shardFindings(prefix: string, pk: string, meta: IndexMeta, shard: ShardReading): Finding[] {
  const key = `${prefix}${meta.partitions.get(pk)?.key ?? `${INDEX_PREFIX}${pk}`}`;
  if ("missing" in shard)
    return [
      damage(
        "index_shard_missing",
        key,
        `the index names this shard (partition ${pk}), which is missing: pulls stop on it.`,
      ),
    ];
  if ("unreadable" in shard)
    return [
      damage(
        "index_shard_unreadable",
        key,
        `the shard of partition ${pk} is unreadable (${shard.unreadable}): pulls stop on it.`,
      ),
    ];
  return [];
}

function missingObjects(
  facts: BucketFacts,
  entries: ReadonlyMap<string, IndexEntry>,
  ours: readonly ListedObject[],
): Finding[] {
  const listed = new Set(ours.map((o) => o.rel));
  const findings: Finding[] = [];
  for (const [rel, entry] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (listed.has(rel)) continue;
    const where = facts.cacheHolds(rel, entry.sha256)
      ? "this clone's cache holds it, so run the fix here"
      : "this clone's cache lacks it too, so run the fix in a clone whose cache holds it";
    findings.push({
      code: "object_missing",
      subject: `${facts.prefix}${rel}`,
      problem: true,
      message: `the index names this object but it is missing from the store, so no clone can pull it; ${where}.`,
      fix: REPUBLISH_COMMAND,
    });
  }
  return findings;
}

/** Objects no index entry names and shards no meta names: past the grace period they are left over. */
function unindexedObjects(
  facts: BucketFacts,
  entries: ReadonlyMap<string, IndexEntry>,
  shards: ReadonlySet<string>,
  ours: readonly ListedObject[],
): Finding[] {
  const findings: Finding[] = [];
  let recent = 0;
  for (const object of ours) {
    const { rel } = object;
    const isShard = rel.startsWith(INDEX_PREFIX) && rel !== META_KEY;
    const isOrphan = !rel.startsWith(INDEX_PREFIX) && (isSyncable(rel) || isLatestMarker(rel));
    if ((isShard && shards.has(rel)) || (isOrphan && entries.has(rel)) || (!isShard && !isOrphan)) continue;
    // A store that gives no time leaves the age unknown: never judged left over.
    const ageMs = object.modifiedAt === undefined ? 0 : object.serverNow - object.modifiedAt;
    if (!isPastGrace(ageMs, facts.graceMs)) {
      recent++;
      continue;
    }
    const key = `${facts.prefix}${rel}`;
    const age = formatDuration(ageMs);
    findings.push(
      isShard
        ? {
            code: "index_shard_unreferenced",
            subject: key,
            problem: true,
            message: `an index shard no meta names, ${age} old: replaced by a later commit and not swept yet (a push sweeps once enough are old), or left by a push that never committed.`,
            fix: REPAIR_COMMAND,
            repair: { kind: "delete_shard", key, version: object.version },
          }
        : {
            code: "object_orphan",
            subject: key,
            problem: true,
            message: isLatestMarker(rel)
              ? `an old 'latest' marker, ${age} old: markers are derived in each cache and no longer kept in the store.`
              : `an object the index does not name, ${age} old: an upload of a push that never committed; no clone sees it.`,
            fix: REPAIR_COMMAND,
            repair: { kind: "delete_orphan", key, version: object.version },
          },
    );
  }
  if (recent > 0) {
    findings.push({
      code: "unindexed_recent",
      subject: `${recent} object(s)`,
      problem: false,
      message: `${recent} object(s) the index does not name are younger than the grace period (${formatDuration(facts.graceMs)}): a push may be in flight; they are judged once older.`,
      fix: DOCTOR_COMMAND,
    });
  }
  return findings;
}

/** A problem with the index itself: a republish rebuilds it from the store and a cache. */
function damage(code: string, subject: string, message: string): Finding {
  return { code, subject, problem: true, message, fix: REPUBLISH_COMMAND };
}

/** A data file a cache syncs (not a lease, an engine file or a hostile key). */
function isSyncable(rel: string): boolean {
  return checkRemoteRel(rel) === null;
}

/** In solo mode the listing also holds every namespace's tree: `{ns}/…`. */
function inOtherNamespace(rel: string): boolean {
  const slash = rel.indexOf("/");
  return slash > 0 && isNamespaceSlug(rel.slice(0, slash));
}
