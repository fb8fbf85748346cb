import { gunzipSync } from "node:zlib";
import {
  decodeExportManifest,
  decodeExportPart,
  EXPORT_MANIFEST,
  EXPORT_PARTS_DIR,
  isExportPart,
  MalformedExport,
} from "../core/catalog-export.ts";
import type { CatalogRow } from "../core/ports/catalog.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import { slidingWindow } from "../core/sliding-window.ts";

const CONCURRENCY = 16;
/** A part removed between the listing and its read (a push dropped that model): list again, this often. */
const ATTEMPTS = 3;

/** What reading one namespace's export found, and what it cost. */
export type FetchedExport = (
  | { ok: true; rows: CatalogRow[] }
  | { ok: false; reason: "missing" | "malformed"; detail: string }
) & { bytes: number; requests: number };

class PartGone extends Error {}

/** Reads `namespace`'s published catalog from the store (docs/architecture.md, "Catalog export"). */
export async function fetchCatalogExport(
  store: ObjectStore,
  namespace: string,
  signal: AbortSignal,
): Promise<FetchedExport> {
  const cost = { bytes: 0, requests: 0 };
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, rows: await readExport(store, namespace, signal, cost), ...cost };
    } catch (e) {
      if (e instanceof MalformedExport) return { ok: false, reason: "malformed", detail: e.message, ...cost };
      if (e instanceof PartGone && attempt < ATTEMPTS) continue;
      if (e instanceof PartGone || e instanceof NoExport)
        return { ok: false, reason: "missing", detail: e.message, ...cost };
      throw e;
    }
  }
}

class NoExport extends Error {}

async function readExport(
  store: ObjectStore,
  namespace: string,
  signal: AbortSignal,
  cost: { bytes: number; requests: number },
): Promise<CatalogRow[]> {
  const manifestKey = `${namespace}/${EXPORT_MANIFEST}`;
  cost.requests++;
  const manifest = await store.get(manifestKey, signal);
  if (!manifest) throw new NoExport(`no ${manifestKey}`);
  cost.bytes += manifest.body.length;
  const found = decodeExportManifest(new TextDecoder().decode(manifest.body), namespace);
  if (found.kind === "rows") return found.rows;
  const listed: { key: string; at: number }[] = [];
  cost.requests++;
  for await (const info of store.list(`${namespace}/${EXPORT_PARTS_DIR}/`, undefined, signal)) {
    if (isExportPart(info.key.slice(namespace.length + 1)))
      listed.push({ key: info.key, at: info.modifiedAt ?? 0 });
  }
  // Oldest first: while a push re-splits a model, its old parts and new ones are both listed for a
  // moment, and the same row from the newer part comes later, so it wins the catalog's upsert.
  const keys = listed.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1)).map(({ key }) => key);
  const parts: CatalogRow[][] = new Array(keys.length);
  await slidingWindow(
    keys,
    CONCURRENCY,
    async (key, i) => {
      cost.requests++;
      const part = await store.get(key, signal);
      if (!part) throw new PartGone(`${key} was removed while it was read`);
      cost.bytes += part.body.length;
      parts[i] = decodeExportPart(gunzipText(part.body, key), namespace, key);
    },
    signal,
  );
  return parts.flat();
}

function gunzipText(body: Uint8Array, key: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(gunzipSync(body));
  } catch (e) {
    throw new MalformedExport(`${key} is not gzipped UTF-8 text (${(e as Error).message})`);
  }
}
