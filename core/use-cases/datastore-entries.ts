import { SwampError } from "../errors.ts";
import type { ObjectStore } from "../ports/object-store.ts";

/** The entries directly under one folder of a store: its sub-folders and its files, in key order (`a-b/` lists before `a/`). */
export interface FolderEntries {
  folders: string[];
  files: string[];
}

/** Listings started, at most: one per entry. A datastore root or a namespace has a handful. */
const MAX_ENTRIES = 100_000;

/**
 * The entries directly under `prefix` (`""` for the datastore root, `"ns/"` for a namespace). One
 * listing request per entry (each starts past the previous folder), never a walk of the store.
 */
export async function folderEntries(
  store: ObjectStore,
  prefix: string,
  signal?: AbortSignal,
): Promise<FolderEntries> {
  const entries: FolderEntries = { folders: [], files: [] };
  let after: string | undefined;
  for (let step = 0; step < MAX_ENTRIES; step++) {
    const first = await firstKey(store, prefix, after, signal);
    if (first === null) return entries;
    const rest = first.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) {
      entries.files.push(rest);
      after = first;
      continue;
    }
    const folder = rest.slice(0, slash);
    entries.folders.push(folder);
    // "0" sorts right after "/": every key of the folder is below `{folder}0`.
    after = `${prefix}${folder}0`;
  }
  throw new SwampError(
    "internal",
    `${store.description} has more than ${MAX_ENTRIES} entries under "${prefix || "/"}"`,
  );
}

async function firstKey(
  store: ObjectStore,
  prefix: string,
  after: string | undefined,
  signal?: AbortSignal,
): Promise<string | null> {
  for await (const info of store.list(prefix, after, signal)) return info.key;
  return null;
}
