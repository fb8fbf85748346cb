import { partitionKey } from "./partition-key.ts";

/**
 * Split partitions (docs/architecture.md, "Split partitions"): a partition with many entries is
 * held in 2^k hash buckets, each its own shard. Inside the engine a shard's *unit* is the
 * partition key itself (one shard) or `{pk}/{buckets}/{bucket}`: `/` never occurs in a
 * partition key, and the unit names its bucket count, so a shard's entries can be checked
 * against it alone.
 */
export interface Unit {
  pk: string;
  /** 1: the partition is one shard (today's format). */
  buckets: number;
  bucket: number;
}

export function unitKey(pk: string, buckets: number, bucket: number): string {
  return buckets === 1 ? pk : `${pk}/${buckets}/${bucket}`;
}

export function parseUnit(unit: string): Unit {
  const parts = unit.split("/");
  if (parts.length !== 3) return { pk: unit, buckets: 1, bucket: 0 };
  return { pk: parts[0] as string, buckets: Number(parts[1]), bucket: Number(parts[2]) };
}

/**
 * The bucket of a path: a hash of its folder when that folder is a number (a version directory:
 * a version's metadata and content land together, so a put rewrites one bucket), else of the
 * path itself. FNV-1a, 32 bits; cheap, as it runs over every entry of a partition being bucketed.
 */
export function bucketOf(rel: string, buckets: number): number {
  if (buckets === 1) return 0;
  const slash = rel.lastIndexOf("/");
  const parent = rel.lastIndexOf("/", slash - 1) + 1;
  return hashText(slash > parent && isDigits(rel, parent, slash) ? rel.slice(0, slash) : rel) & (buckets - 1);
}

function isDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Each split partition's bucket count, from the units a meta names. */
export function layoutOf(units: Iterable<string>): Map<string, number> {
  const layout = new Map<string, number>();
  for (const unit of units) {
    const { pk, buckets } = parseUnit(unit);
    if (buckets > 1) layout.set(pk, buckets);
  }
  return layout;
}

export function unitOf(rel: string, layout: ReadonlyMap<string, number>): string {
  const pk = partitionKey(rel);
  const buckets = layout.get(pk) ?? 1;
  return unitKey(pk, buckets, bucketOf(rel, buckets));
}

/**
 * How many buckets a partition of `entries` entries is held in, given it is held in `current`:
 * 1 up to `splitAt` entries; above, buckets of at most max(splitAt, √(3·entries)) entries, so
 * the bucket a put rewrites and the meta naming every bucket grow alike (about √entries each).
 * It halves back only once buckets are under a quarter full, so a partition near a boundary does
 * not rewrite all its buckets at every other put.
 */
export function bucketCount(current: number, entries: number, splitAt: number): number {
  const target = targetBuckets(entries, splitAt);
  if (target > current) return target;
  if (target < current && entries / current < capacity(entries, splitAt) / 4) return target;
  return current;
}

function targetBuckets(entries: number, splitAt: number): number {
  if (entries <= splitAt) return 1;
  const perBucket = capacity(entries, splitAt);
  let buckets = 2;
  while (entries / buckets > perBucket) buckets *= 2;
  return buckets;
}

function capacity(entries: number, splitAt: number): number {
  return Math.max(splitAt, Math.sqrt(3 * entries));
}

/**
 * Entries grouped by unit, bucketed lazily: a partition is hashed into buckets only when one of
 * its buckets is asked for, once per bucket count.
 */
export class UnitEntries<E> {
  readonly #byPk = new Map<string, Map<string, E>>();
  readonly #bucketed = new Map<string, Map<string, E>[]>();

  constructor(entries: Iterable<[string, E]>) {
    for (const [rel, entry] of entries) {
      const pk = partitionKey(rel);
      let group = this.#byPk.get(pk);
      if (!group) {
        group = new Map();
        this.#byPk.set(pk, group);
      }
      group.set(rel, entry);
    }
  }

  partitions(): IterableIterator<string> {
    return this.#byPk.keys();
  }

  /** Every entry of a partition, whatever its buckets. */
  partition(pk: string): ReadonlyMap<string, E> {
    return this.#byPk.get(pk) ?? new Map();
  }

  get(unit: string): ReadonlyMap<string, E> {
    const { pk, buckets, bucket } = parseUnit(unit);
    if (buckets === 1) return this.partition(pk);
    const memo = `${pk}/${buckets}`;
    let split = this.#bucketed.get(memo);
    if (!split) {
      split = splitEntries(this.partition(pk), buckets);
      this.#bucketed.set(memo, split);
    }
    return split[bucket] ?? new Map();
  }
}

/** A partition's entries in `buckets` buckets. */
export function splitEntries<E>(entries: Iterable<[string, E]>, buckets: number): Map<string, E>[] {
  const split = Array.from({ length: buckets }, () => new Map<string, E>());
  for (const [rel, entry] of entries) split[bucketOf(rel, buckets)]?.set(rel, entry);
  return split;
}
