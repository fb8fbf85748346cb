import { sha256Hex } from "../../adapters/sync/hash-file.ts";

/** Written into a name, it becomes bytes that are not UTF-8 (0xFF 0xFE) in the shard's bytes. */
export const NOT_UTF8 = "~not-utf8~";

/** The bytes of a shard holding `entries` as a broken or hostile client would write them (see NOT_UTF8). */
export function shardBytes(entries: Record<string, unknown>): Uint8Array {
  const parts = JSON.stringify({ version: 1, entries })
    .split(NOT_UTF8)
    .map((part) => new TextEncoder().encode(part));
  const out: number[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(0xff, 0xfe);
    out.push(...part);
  });
  return new Uint8Array(out);
}

/** An index entry describing `body`. */
export function entryFor(body: string, modifiedAt = 0): { size: number; sha256: string; modifiedAt: number } {
  const bytes = new TextEncoder().encode(body);
  return { size: bytes.byteLength, sha256: sha256Hex(bytes), modifiedAt };
}

/** Where a shard edit reads and writes the store's objects, by key below the swamp prefix. */
export interface IndexObjects {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, body: Uint8Array): Promise<void>;
}

/**
 * Rewrites one partition's shard as a broken or hostile client would: `edit` changes its entries
 * in place (a partition the meta lacks starts empty; see shardBytes). Then commits a meta naming
 * the new content-addressed shard, with the next commitSeq.
 */
export async function editIndexShard(
  objects: IndexObjects,
  partition: string,
  edit: (entries: Record<string, unknown>) => void,
): Promise<void> {
  const metaBytes = await objects.get(META_KEY);
  if (metaBytes === null) throw new Error(`no index meta at ${META_KEY}: did the writer push?`);
  const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as {
    commitSeq: number;
    partitions: Record<string, { key: string; sha256: string; entries: number }>;
  };
  const ref = meta.partitions[partition];
  const old = ref ? await objects.get(ref.key) : null;
  if (ref && old === null) throw new Error(`the meta names ${ref.key}, which is missing`);
  const shard = old
    ? (JSON.parse(new TextDecoder().decode(old)) as { entries: Record<string, unknown> })
    : { entries: {} };
  edit(shard.entries);
  const body = shardBytes(shard.entries);
  const sha256 = sha256Hex(body);
  const key = `_index/${partition}.${sha256.slice(0, 16)}.json`;
  await objects.put(key, body);
  meta.partitions[partition] = { key, sha256, entries: Object.keys(shard.entries).length };
  meta.commitSeq += 1;
  await objects.put(META_KEY, new TextEncoder().encode(JSON.stringify(meta)));
}

const META_KEY = "_index/_meta.json";
