import { entryFor } from "../../tests/support/broken-shard.ts";
import { editBucketShard, readIndexMeta } from "./index-edit.ts";
import type { BucketClient } from "./remote.ts";

/** Adds `rels` to one data shard of the index, as a malicious or broken client would. */
export async function addIndexEntries(bucket: BucketClient, prefix: string, rels: string[]): Promise<void> {
  const meta = await readIndexMeta(bucket, prefix);
  const partition = Object.keys(meta.partitions).find((pk) => pk.startsWith("data--"));
  if (!partition) throw new Error(`no data partition in ${JSON.stringify(meta)}`);
  await editBucketShard(bucket, prefix, partition, (entries) => {
    for (const rel of rels) entries[rel] = entryFor("evil");
  });
}
