import { editIndexShard } from "../../tests/support/broken-shard.ts";
import type { BucketClient } from "./remote.ts";

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

/** Rewrites one partition's shard of the swamp prefix `prefix` in `bucket` (see editIndexShard). */
export function editBucketShard(
  bucket: BucketClient,
  prefix: string,
  partition: string,
  edit: (entries: Record<string, unknown>) => void,
): Promise<void> {
  const objects = {
    get: (key: string) => bucket.get(`${prefix}/${key}`),
    put: (key: string, body: Uint8Array) => bucket.put(`${prefix}/${key}`, body),
  };
  return editIndexShard(objects, partition, edit);
}
