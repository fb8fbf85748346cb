import { addIndexEntries } from "./index-entries.ts";
import type { BucketClient } from "./remote.ts";

/** An index entry no cache can hold as it is, with the marker a warning about it must name. */
export interface HostileKey {
  label: string;
  /** Relative to the swamp prefix, as in the index. */
  rel: string;
  /** Matches a warning or a rejection naming this key (and no other). */
  marker: RegExp;
}

/**
 * Hostile keys among the records of model `modelId` (type `type`) whose name `name` has a
 * version 1: a 300-character segment (beyond any filesystem's name limit), a `..` segment
 * (that resolves inside the cache, still refused), and two file/folder conflicts: a file where
 * the cache has version 1's folder, and a folder where it has version 1's `raw` file.
 */
export function hostileKeys(type: string, modelId: string, name: string): HostileKey[] {
  const id = crypto.randomUUID().slice(0, 8);
  const base = `data/${type}/${modelId}`;
  const long = `long-${id}-`.padEnd(300, "x");
  return [
    { label: "300-character segment", rel: `${base}/${long}/1/raw`, marker: new RegExp(`long-${id}`) },
    {
      label: "'..' segment",
      rel: `${base}/${name}/../dotdot-${id}/1/raw`,
      marker: new RegExp(`dotdot-${id}`),
    },
    // No marker of its own: the key itself, not followed by more of a path.
    {
      label: "file where a folder is",
      rel: `${base}/${name}/1`,
      marker: new RegExp(`${base}/${name}/1(?![/\\w])`),
    },
    {
      label: "folder where a file is",
      rel: `${base}/${name}/1/raw/under-${id}`,
      marker: new RegExp(`under-${id}`),
    },
  ];
}

/** Puts an object at each key and adds the keys to the index, as a broken or malicious client would. */
export async function plantHostileKeys(
  bucket: BucketClient,
  prefix: string,
  keys: HostileKey[],
): Promise<void> {
  for (const key of keys) await bucket.put(`${prefix}/${key.rel}`, "evil");
  await addIndexEntries(
    bucket,
    prefix,
    keys.map((key) => key.rel),
  );
}

/** The keys that neither the warnings on `stderr` nor a JSON `rejected` list on `stdout` name. */
export function unreported(keys: HostileKey[], stdout: string, stderr: string): HostileKey[] {
  let rejected: string[] = [];
  try {
    const doc = JSON.parse(stdout) as { rejected?: { key: string }[] };
    rejected = doc.rejected?.map((r) => r.key) ?? [];
  } catch {
    // not JSON: the warnings on stderr must name them
  }
  return keys.filter((key) => !key.marker.test(stderr) && !rejected.some((r) => key.marker.test(r)));
}
