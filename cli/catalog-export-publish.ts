import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeAtomically } from "../adapters/fs/repo-config-file.ts";
import {
  EXPORT_MANIFEST,
  EXPORT_PARTS_DIR,
  encodeExportPart,
  exportManifest,
  isExportPart,
  rowsByPart,
} from "../core/catalog-export.ts";
import type { CatalogCursor, CatalogReader, CatalogRow } from "../core/ports/catalog.ts";

const PAGE = 10_000;
const STATE_VERSION = 1;

export interface ExportDeps {
  catalog: CatalogReader;
  namespace: string;
  /** The namespace's folder of the cache, which its push uploads to `{ns}/`. */
  cacheDir: string;
  /** Where the hash of each part last written is kept (beside the sync state). */
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
 * written only when the hash of its rows differs from the one last written here (or its file is
 * gone), so a clone that did not change a model never rewrites that model's part.
 */
export async function publishCatalogExport(deps: ExportDeps): Promise<ExportOutcome> {
  const rows = readNamespace(deps.catalog, deps.namespace);
  const parts = rowsByPart(rows);
  const state = await readState(deps.stateFile);
  const onDisk = new Set(await listParts(deps.cacheDir));
  const next: Record<string, string> = {};
  const outcome: ExportOutcome = {
    rows: rows.length,
    parts: parts.size,
    written: 0,
    removed: 0,
    bytesWritten: 0,
  };
  for (const [path, part] of parts) {
    const text = encodeExportPart(deps.namespace, part.model, part.rows);
    const sha = createHash("sha256").update(text).digest("hex");
    next[path] = sha;
    if (state[path] === sha && onDisk.has(path)) continue;
    const body = gzipSync(text);
    deps.markDirty(path);
    await writeFileIn(deps.cacheDir, path, body);
    outcome.written++;
    outcome.bytesWritten += body.length;
  }
  for (const path of onDisk) {
    if (parts.has(path)) continue;
    deps.markDirty(path);
    await unlink(join(deps.cacheDir, path));
    outcome.removed++;
  }
  const manifest = exportManifest(deps.namespace);
  const current = await readFile(join(deps.cacheDir, EXPORT_MANIFEST), "utf8").catch(() => null);
  if (current !== manifest) {
    deps.markDirty(EXPORT_MANIFEST);
    await writeAtomically(join(deps.cacheDir, EXPORT_MANIFEST), manifest);
  }
  await writeAtomically(deps.stateFile, JSON.stringify({ version: STATE_VERSION, parts: next }));
  return outcome;
}

function readNamespace(catalog: CatalogReader, namespace: string): CatalogRow[] {
  const rows: CatalogRow[] = [];
  let after: CatalogCursor | null = null;
  do {
    const page = catalog.scan({ namespace }, after, PAGE);
    for (const row of page.rows) rows.push(row);
    after = page.next;
  } while (after !== null);
  return rows;
}

/** The hash of each part last written; anything unreadable means none (every part is written again). */
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
  await writeAtomically(path, body);
}
