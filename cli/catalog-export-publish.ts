import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeFileAtomic } from "../adapters/fs/atomic-file.ts";
import {
  EXPORT_MANIFEST,
  EXPORT_PARTS_DIR,
  encodeExportPart,
  exportManifest,
  exportPartPath,
  isExportPart,
} from "../core/catalog-export.ts";
import type { ModelKey } from "../core/data-record.ts";
import type { CatalogCursor, CatalogPage, CatalogReader } from "../core/ports/catalog.ts";

const PAGE = 10_000;
const STATE_VERSION = 1;

export interface ExportDeps {
  catalog: CatalogReader;
  namespace: string;
  /** The namespace's folder of the cache, which its push uploads to `{ns}/`. */
  cacheDir: string;
  /** Where the fingerprint of each part last written is kept (beside the sync state). */
  stateFile: string;
  /** Marks a cache-relative path changed before it changes (SyncService.markDirty). */
  markDirty(rel: string): void;
}

export interface ExportOutcome {
  rows: number;
  parts: number;
  /** Parts written (their rows changed) and removed (their model has no rows left). */
  written: number;
  removed: number;
  /** Compressed bytes of the parts written. */
  bytesWritten: number;
}

/**
 * Writes the namespace's catalog export into its cache folder, marked dirty, so the push that
 * follows commits it with the data it describes (docs/architecture.md, "Catalog export"). A part is
 * written only when its model's versions differ from those it was last written with here (or its
 * file is gone), so a clone that did not change a model never rewrites that model's part.
 */
export async function publishCatalogExport(deps: ExportDeps): Promise<ExportOutcome> {
  const models = modelsOf(deps.catalog, deps.namespace);
  const state = await readState(deps.stateFile);
  const onDisk = new Set(await listParts(deps.cacheDir));
  const next: Record<string, string> = {};
  const outcome: ExportOutcome = { rows: 0, parts: models.size, written: 0, removed: 0, bytesWritten: 0 };
  for (const [path, { model, versions }] of models) {
    outcome.rows += versions.length;
    const fingerprint = createHash("sha256").update(versions.sort().join("\n")).digest("hex");
    next[path] = fingerprint;
    if (state[path] === fingerprint && onDisk.has(path)) continue;
    const rows = readAll((after) =>
      deps.catalog.scan(
        { namespace: deps.namespace, typeNormalized: model.type, modelId: model.id },
        after,
        PAGE,
      ),
    );
    const body = gzipSync(encodeExportPart(deps.namespace, model, rows));
    deps.markDirty(path);
    await writeFileIn(deps.cacheDir, path, body);
    outcome.written++;
    outcome.bytesWritten += body.length;
  }
  for (const path of onDisk) {
    if (models.has(path)) continue;
    deps.markDirty(path);
    await unlink(join(deps.cacheDir, path));
    outcome.removed++;
  }
  const manifest = exportManifest(deps.namespace);
  const current = await readFile(join(deps.cacheDir, EXPORT_MANIFEST), "utf8").catch(() => null);
  if (current !== manifest) {
    deps.markDirty(EXPORT_MANIFEST);
    await writeFileAtomic(join(deps.cacheDir, EXPORT_MANIFEST), manifest);
  }
  await writeFileAtomic(deps.stateFile, JSON.stringify({ version: STATE_VERSION, parts: next }));
  return outcome;
}

/**
 * The namespace's models by part, each with its versions as `name/version/latest`. A version's row
 * never changes but for its latest flag (its metadata is immutable), so these say whether a part's
 * rows changed without reading whole rows.
 */
function modelsOf(
  catalog: CatalogReader,
  namespace: string,
): Map<string, { model: ModelKey; versions: string[] }> {
  const fields = ["typeNormalized", "modelId", "dataName", "version", "isLatest"] as const;
  const slices = readAll((after) => catalog.scanFields({ namespace }, fields, after, PAGE));
  const models = new Map<string, { model: ModelKey; versions: string[] }>();
  for (const s of slices) {
    const model = { type: s.typeNormalized, id: s.modelId };
    const path = exportPartPath(model);
    const entry = models.get(path) ?? { model, versions: [] };
    entry.versions.push(`${s.dataName}/${s.version}/${s.isLatest ? 1 : 0}`);
    models.set(path, entry);
  }
  return models;
}

/** Every row of a paged scan. */
function readAll<R>(page: (after: CatalogCursor | null) => CatalogPage<R>): R[] {
  const rows: R[] = [];
  let after: CatalogCursor | null = null;
  do {
    const found = page(after);
    for (const row of found.rows) rows.push(row);
    after = found.next;
  } while (after !== null);
  return rows;
}

/** The fingerprint of each part last written; anything unreadable means none (every part is written again). */
async function readState(file: string): Promise<Record<string, string>> {
  try {
    const doc = JSON.parse(await readFile(file, "utf8"));
    return doc?.version === STATE_VERSION && typeof doc.parts === "object" && doc.parts ? doc.parts : {};
  } catch {
    return {};
  }
}

/** The parts in the cache folder, cache-relative. */
async function listParts(cacheDir: string): Promise<string[]> {
  const entries = await readdir(join(cacheDir, EXPORT_PARTS_DIR), { recursive: true }).catch(() => []);
  return entries.map((e) => `${EXPORT_PARTS_DIR}/${e.split("\\").join("/")}`).filter(isExportPart);
}

async function writeFileIn(root: string, rel: string, body: Uint8Array): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, body);
}
