import type { BucketClient } from "./remote.ts";

/**
 * The index meta, relative to the swamp prefix (docs/architecture.md, "Bucket layout": shard-first,
 * one conditional commit).
 */
export const META_REL = "_index/_meta.json";

/** The fields of `_index/_meta.json` the damage below touches; the rest is kept as it is. */
interface MetaDoc {
  commitSeq: number;
  partitions: Record<string, unknown>;
  [field: string]: unknown;
}

/** The meta's bytes now (it must exist). */
export async function metaBytes(bucket: BucketClient, prefix: string): Promise<Uint8Array> {
  const bytes = await bucket.get(`${prefix}/${META_REL}`);
  if (bytes === null)
    throw new Error(`no ${prefix}/${META_REL} in bucket ${bucket.name}: nothing was pushed`);
  return bytes;
}

/** How the meta is damaged; `older` is a meta from an earlier commit of the same bucket. */
export interface IndexDamage {
  label: string;
  apply(bucket: BucketClient, prefix: string, older: Uint8Array): Promise<void>;
}

export const INDEX_DAMAGES: readonly IndexDamage[] = [
  {
    // A well-formed meta, one commit ahead, that names no shard: every record seems deleted.
    label: "lost its partitions",
    async apply(bucket, prefix) {
      const meta = JSON.parse(new TextDecoder().decode(await metaBytes(bucket, prefix))) as MetaDoc;
      await bucket.put(
        `${prefix}/${META_REL}`,
        JSON.stringify({ ...meta, commitSeq: meta.commitSeq + 1, partitions: {} }),
      );
    },
  },
  {
    // An older meta put back (a restored backup): same partitions, older shards, lower commitSeq.
    label: "went back to an earlier commitSeq",
    async apply(bucket, prefix, older) {
      const now = JSON.parse(new TextDecoder().decode(await metaBytes(bucket, prefix))) as MetaDoc;
      const then = JSON.parse(new TextDecoder().decode(older)) as MetaDoc;
      if (!(then.commitSeq < now.commitSeq))
        throw new Error(`the older meta (commitSeq ${then.commitSeq}) is not older than ${now.commitSeq}`);
      if (Object.keys(then.partitions).sort().join() !== Object.keys(now.partitions).sort().join())
        throw new Error(
          "the older meta names other partitions: this damage would not be a commitSeq going back only",
        );
      await bucket.put(`${prefix}/${META_REL}`, older);
    },
  },
  {
    label: "vanished",
    async apply(bucket, prefix) {
      await bucket.delete(`${prefix}/${META_REL}`);
    },
  },
];
