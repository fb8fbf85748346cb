import type { BucketClient } from "./remote.ts";
import { sha256Hex } from "./tree.ts";

/**
 * Adds `rels` to one data shard of the index, as a malicious or broken client would: a new
 * content-addressed shard object and a meta that names it, with the next commitSeq.
 */
export async function addIndexEntries(bucket: BucketClient, prefix: string, rels: string[]): Promise<void> {
  const metaKey = `${prefix}/_index/_meta.json`;
  const metaBytes = await bucket.get(metaKey);
  if (metaBytes === null) throw new Error(`no index meta at ${metaKey}: did the writer push?`);
  const meta = JSON.parse(new TextDecoder().decode(metaBytes)) as {
    commitSeq: number;
    partitions: Record<string, { key: string; sha256: string; entries: number }>;
  };
  const [partition, ref] = Object.entries(meta.partitions).find(([pk]) => pk.startsWith("data--")) ?? [];
  if (!partition || !ref) throw new Error(`no data partition in ${JSON.stringify(meta)}`);
  const shardBytes = await bucket.get(`${prefix}/${ref.key}`);
  if (shardBytes === null) throw new Error(`the meta names ${ref.key}, which is missing`);
  const shard = JSON.parse(new TextDecoder().decode(shardBytes)) as {
    version: number;
    entries: Record<string, unknown>;
  };
  const evil = new TextEncoder().encode("evil");
  for (const rel of rels)
    shard.entries[rel] = { size: evil.byteLength, sha256: sha256Hex(evil), modifiedAt: Date.now() };
  const body = JSON.stringify(shard);
  const sha256 = sha256Hex(body);
  const key = `_index/${partition}.${sha256.slice(0, 16)}.json`;
  await bucket.put(`${prefix}/${key}`, body);
  meta.partitions[partition] = { key, sha256, entries: Object.keys(shard.entries).length };
  meta.commitSeq += 1;
  await bucket.put(metaKey, JSON.stringify(meta));
}
