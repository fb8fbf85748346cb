import { shardBytes } from "../../tests/support/broken-shard.ts";
import type { BucketClient } from "./remote.ts";
import { sha256Hex } from "./tree.ts";

export interface IndexMetaDoc {
  commitSeq: number;
  partitions: Record<string, { key: string; sha256: string; entries: number }>;
}

/** The index meta of the swamp prefix `prefix` in `bucket`, read with the vendor's SDK. */
export async function readIndexMeta(bucket: BucketClient, prefix: string): Promise<IndexMetaDoc> {
  const bytes = await bucket.get(`${prefix}/_index/_meta.json`);
  if (bytes === null) throw new Error(`no index meta under ${prefix}/_index/: did the writer push?`);
  return JSON.parse(new TextDecoder().decode(bytes)) as IndexMetaDoc;
}

/**
 * Rewrites one partition's shard as a broken or hostile client would: `edit` changes its entries
 * in place (a partition the meta lacks starts empty; see shardBytes). Then commits a meta naming the new
 * content-addressed shard, with the next commitSeq.
 */
export async function editIndexShard(
  bucket: BucketClient,
  prefix: string,
  partition: string,
  edit: (entries: Record<string, unknown>) => void,
): Promise<void> {
  const meta = await readIndexMeta(bucket, prefix);
  const ref = meta.partitions[partition];
  const old = ref ? await bucket.get(`${prefix}/${ref.key}`) : null;
  if (ref && old === null) throw new Error(`the meta names ${ref.key}, which is missing`);
  const shard = old
    ? (JSON.parse(new TextDecoder().decode(old)) as { entries: Record<string, unknown> })
    : { entries: {} };
  edit(shard.entries);
  const body = shardBytes(shard.entries);
  const sha256 = sha256Hex(body);
  const key = `_index/${partition}.${sha256.slice(0, 16)}.json`;
  await bucket.put(`${prefix}/${key}`, body);
  meta.partitions[partition] = { key, sha256, entries: Object.keys(shard.entries).length };
  meta.commitSeq += 1;
  await bucket.put(`${prefix}/_index/_meta.json`, JSON.stringify(meta));
}
