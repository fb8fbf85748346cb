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
  exportPartCount,
  exportPartPath,
  isExportPart,
} from "../core/catalog-export.ts";
import type { ModelKey } from "../core/data-record.ts";
import type { CatalogCursor, CatalogPage, CatalogReader, CatalogRowHandle } from "../core/ports/catalog.ts";

const PAGE = 10_000;
const STATE_VERSION = 1;

export interface ExportDeps {
  catalog: CatalogReader;
  namespace: string;
  /** The namespace's folder of the cache, which its push uploads to `{ns}/`. */
  cacheDir: string;
  /** Where the fingerprint of each part last written is kept (beside the sync state). */
  stateFile: string;
  /** Rows per part above which a model's part is split (default EXPORT_PART_ROWS). */
  partRows?: number;
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
  const models = partsOf(deps.catalog, deps.namespace, deps.partRows);
  const state = await readState(deps.stateFile);
  const onDisk = new Set(await listParts(deps.cacheDir));
  const next: Record<string, string> = {};
  const outcome: ExportOutcome = { rows: 0, parts: models.size, written: 0, removed: 0, bytesWritten: 0 };
  for (const [path, { model, versions, handles }] of models) {
    outcome.rows += versions.length;
    const fingerprint = createHash("sha256").update(versions.sort().join("\n")).digest("hex");
    next[path] = fingerprint;
    if (state[path] === fingerprint && onDisk.has(path)) continue;
    const rows = readAll((after) => deps.catalog.scan({ namespace: deps.namespace, handles }, after, PAGE));
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

interface Part {
  model: ModelKey;
  /** Each row as `name/version/latest`. */
  versions: string[];
  handles: CatalogRowHandle[];
}

/**
 * The namespace's parts, each with its rows' versions as `name/version/latest` and their handles.
 * A version's row never changes but for its latest flag (its metadata is immutable), so these say
 * whether a part's rows changed without reading whole rows. A model of many rows is in several
 * parts, by data name (docs/architecture.md, "Catalog export").
 */
function partsOf(catalog: CatalogReader, namespace: string, partRows?: number): Map<string, Part> {
  const fields = ["typeNormalized", "modelId", "dataName", "version", "isLatest"] as const;
  const slices = readAll((after) => catalog.scanFields({ namespace }, fields, after, PAGE));
  const rowsOf = new Map<string, number>();
  for (const s of slices) {
    const model = `${s.typeNormalized}/${s.modelId}`;
    rowsOf.set(model, (rowsOf.get(model) ?? 0) + 1);
  }
  const parts = new Map<string, Part>();
  for (const s of slices) {
    const model = { type: s.typeNormalized, id: s.modelId };
    const count = exportPartCount(rowsOf.get(`${model.type}/${model.id}`) ?? 0, partRows);
    const path = exportPartPath(model, count, s.dataName);
    const part = parts.get(path) ?? { model, versions: [], handles: [] };
    part.versions.push(`${s.dataName}/${s.version}/${s.isLatest ? 1 : 0}`);
    part.handles.push(s.handle);
    parts.set(path, part);
  }
  return parts;
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
