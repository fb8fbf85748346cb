import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { writeFileAtomic } from "../adapters/fs/atomic-file.ts";
import {
  decodeExportPart,
  EXPORT_MANIFEST,
  EXPORT_PARTS_DIR,
  encodeExportPart,
  exportManifest,
  exportPartCount,
  exportPartPath,
  isExportPart,
} from "../core/catalog-export.ts";
import type { DataNameKey, ModelKey } from "../core/data-record.ts";
import type {
  CatalogCursor,
  CatalogFilter,
  CatalogPage,
  CatalogReader,
  CatalogRow,
  CatalogRowHandle,
} from "../core/ports/catalog.ts";
import type { ChangeFeed } from "../core/ports/change-feed.ts";

const PAGE = 10_000;
const STATE_VERSION = 2;
/** Past this many changed names, one scan of the namespace costs less than a scan per name. */
const NAMES_MAX = 500;

export interface ExportDeps {
  catalog: CatalogReader;
  /**
   * The datastore's change feed, which the catalog follows: with it, only the parts of the data
   * names changed since the last publish are looked at; without it, every row of the namespace.
   */
  feed?: ChangeFeed;
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

interface PartRecord {
  /** The SHA-256 of the part's rows' versions (`name/version/latest`, sorted). */
  fingerprint: string;
  /** The SHA-256 of the file as written here; "" when not known. */
  sha: string;
  /** Its model (absent in what older builds recorded). */
  model?: ModelKey;
}

interface ExportState {
  /** The catalog's change-feed cursor as of the last publish; null: not known, look at everything. */
  cursor: string | null;
  parts: Record<string, PartRecord>;
  /** Rows of each model (`type/id`) as of the last publish. */
  models: Record<string, number>;
}

/**
 * Writes the namespace's catalog export into its cache folder, marked dirty, so the push that
 * follows commits it with the data it describes (docs/architecture.md, "Catalog export"). A part is
 * written only when its model's versions differ from those it was last written with here (or its
 * file is gone), so a clone that did not change a model never rewrites that model's part. With the
 * change feed, only the parts holding names changed since the last publish are looked at.
 */
export async function publishCatalogExport(deps: ExportDeps): Promise<ExportOutcome> {
  const state = await readState(deps.stateFile);
  const onDisk = new Set(await listParts(deps.cacheDir));
  // The catalog holds every change before its cursor: recorded, so later ones are looked at next time.
  const cursor = deps.feed ? deps.catalog.changeCursor(deps.namespace) : null;
  const changes = cursor !== null && state.cursor !== null ? await deps.feed?.since(state.cursor) : undefined;
  const writer = new PartWriter(deps, state, onDisk);
  if (changes?.kind === "unchanged") await writer.changed([]);
  else if (changes?.kind === "names" && changes.names.length <= NAMES_MAX)
    await writer.changed(changes.names);
  else await writer.everything();
  const manifest = exportManifest(deps.namespace);
  const current = await readFile(join(deps.cacheDir, EXPORT_MANIFEST), "utf8").catch(() => null);
  if (current !== manifest) {
    deps.markDirty(EXPORT_MANIFEST);
    await writeFileAtomic(join(deps.cacheDir, EXPORT_MANIFEST), manifest);
  }
  const next: ExportState = { cursor, parts: writer.parts, models: writer.models };
  await writeFileAtomic(deps.stateFile, JSON.stringify({ version: STATE_VERSION, ...next }));
  return writer.outcome;
}

class PartWriter {
  readonly parts: Record<string, PartRecord>;
  readonly models: Record<string, number>;
  readonly outcome: ExportOutcome = { rows: 0, parts: 0, written: 0, removed: 0, bytesWritten: 0 };

  constructor(
    private readonly deps: ExportDeps,
    state: ExportState,
    private readonly onDisk: Set<string>,
  ) {
    this.parts = { ...state.parts };
    this.models = { ...state.models };
  }

  /** Every row of the namespace: each part's fingerprint checked, parts of models gone removed. */
  async everything(): Promise<void> {
    const models = partsOf(this.deps.catalog, { namespace: this.deps.namespace }, this.deps.partRows);
    const old = new Set([...this.onDisk, ...Object.keys(this.parts)]);
    for (const key of Object.keys(this.models)) delete this.models[key];
    for (const path of Object.keys(this.parts)) if (!models.has(path)) delete this.parts[path];
    await this.#write(models);
    for (const path of old) if (!models.has(path)) await this.#remove(path);
    this.#count();
  }

  /**
   * Only the models of `names` (and of parts gone from the cache): each changed name's part is its
   * rows as last written here with that name's rows replaced; a model whose part count changes, or
   * whose part is not as written here (another clone's, pulled), is read whole.
   */
  async changed(names: readonly DataNameKey[]): Promise<void> {
    const byModel = new Map<string, { model: ModelKey; names: Set<string> }>();
    const of = (model: ModelKey) => {
      const key = modelKey(model);
      const found = byModel.get(key) ?? { model, names: new Set<string>() };
      byModel.set(key, found);
      return found;
    };
    for (const { type, id, name } of names) of({ type, id }).names.add(name);
    const whole = new Set<string>();
    for (const [path, record] of Object.entries(this.parts)) {
      if (this.onDisk.has(path)) continue;
      const model = record.model;
      if (model === undefined) return this.everything();
      whole.add(modelKey(of(model).model));
    }
    for (const [key, { model, names: changed }] of byModel) {
      if (whole.has(key) || !(await this.#patch(model, changed))) await this.#rewriteModel(model);
    }
    this.#count();
  }

  /** Whether the parts of `changed` names could be patched in place (else the model is read whole). */
  async #patch(model: ModelKey, changed: ReadonlySet<string>): Promise<boolean> {
    const key = modelKey(model);
    const rows = this.models[key];
    if (rows === undefined) return false;
    const count = exportPartCount(rows, this.deps.partRows);
    const paths = new Set([...changed].map((name) => exportPartPath(model, count, name)));
    const kept = new Map<string, CatalogRow[]>();
    let dropped = 0;
    for (const path of paths) {
      const record = this.parts[path];
      if (record === undefined) return false;
      const bytes = await readFile(join(this.deps.cacheDir, path)).catch(() => null);
      if (bytes === null || record.sha === "" || sha256(bytes) !== record.sha) return false;
      const before = decodeExportPart(gunzipSync(bytes).toString(), this.deps.namespace, path);
      const others = before.filter((row) => !changed.has(row.dataName));
      dropped += before.length - others.length;
      kept.set(path, others);
    }
    const added = [...changed].map((name) => ({
      path: exportPartPath(model, count, name),
      rows: readAll((after) =>
        this.deps.catalog.scan(
          { namespace: this.deps.namespace, typeNormalized: model.type, modelId: model.id, dataName: name },
          after,
          PAGE,
        ),
      ),
    }));
    const total = rows - dropped + added.reduce((sum, a) => sum + a.rows.length, 0);
    if (total === 0 || exportPartCount(total, this.deps.partRows) !== count) return false;
    for (const { path, rows: ofName } of added) kept.get(path)?.push(...ofName);
    for (const [path, partRows] of kept) {
      if (partRows.length === 0) {
        delete this.parts[path];
        await this.#remove(path);
        continue;
      }
      const versions = partRows.map((row) => `${row.dataName}/${row.version}/${row.isLatest ? 1 : 0}`);
      await this.#writePart(path, model, versions, () => partRows);
    }
    this.models[key] = total;
    return true;
  }

  /** Every row of one model: its parts checked, and those of another part count (or none) removed. */
  async #rewriteModel(model: ModelKey): Promise<void> {
    const filter = { namespace: this.deps.namespace, typeNormalized: model.type, modelId: model.id };
    const found = partsOf(this.deps.catalog, filter, this.deps.partRows);
    const single = exportPartPath(model);
    const mine = (path: string) =>
      path === single || path.startsWith(`${EXPORT_PARTS_DIR}/${model.type}/${model.id}/`);
    const old = [...new Set([...this.onDisk, ...Object.keys(this.parts)])].filter(mine);
    for (const path of old) if (!found.has(path)) delete this.parts[path];
    delete this.models[modelKey(model)];
    await this.#write(found);
    for (const path of old) if (!found.has(path)) await this.#remove(path);
  }

  async #write(models: Map<string, Part>): Promise<void> {
    for (const [path, { model, versions, handles }] of models) {
      this.models[modelKey(model)] = (this.models[modelKey(model)] ?? 0) + versions.length;
      await this.#writePart(path, model, versions, () =>
        readAll((after) => this.deps.catalog.scan({ namespace: this.deps.namespace, handles }, after, PAGE)),
      );
    }
  }

  /** Writes a part unless its versions are those it was last written with here and its file is there. */
  async #writePart(
    path: string,
    model: ModelKey,
    versions: string[],
    rows: () => CatalogRow[],
  ): Promise<void> {
    const fingerprint = sha256(versions.sort().join("\n"));
    const record = this.parts[path];
    if (record?.fingerprint === fingerprint && this.onDisk.has(path)) {
      // Recorded by an older build: what the file holds is learnt once, so the next put can patch it.
      if (record.sha === "" || record.model === undefined) {
        const bytes = await readFile(join(this.deps.cacheDir, path)).catch(() => null);
        this.parts[path] = { fingerprint, sha: bytes === null ? "" : sha256(bytes), model };
      }
      return;
    }
    const body = gzipSync(encodeExportPart(this.deps.namespace, model, rows()));
    this.deps.markDirty(path);
    await writeFileIn(this.deps.cacheDir, path, body);
    this.onDisk.add(path);
    this.parts[path] = { fingerprint, sha: sha256(body), model };
    this.outcome.written++;
    this.outcome.bytesWritten += body.length;
  }

  async #remove(path: string): Promise<void> {
    if (!this.onDisk.has(path)) return;
    this.deps.markDirty(path);
    await unlink(join(this.deps.cacheDir, path));
    this.onDisk.delete(path);
    this.outcome.removed++;
  }

  #count(): void {
    this.outcome.parts = Object.keys(this.parts).length;
    this.outcome.rows = Object.values(this.models).reduce((sum, n) => sum + n, 0);
  }
}

const modelKey = (model: ModelKey) => `${model.type}/${model.id}`;
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

interface Part {
  model: ModelKey;
  /** Each row as `name/version/latest`. */
  versions: string[];
  handles: CatalogRowHandle[];
}

/**
 * The parts of the rows `filter` selects, each with its rows' versions as `name/version/latest` and
 * their handles. A version's row never changes but for its latest flag (its metadata is immutable),
 * so these say whether a part's rows changed without reading whole rows. A model of many rows is
 * in several parts, by data name (docs/architecture.md, "Catalog export").
 */
function partsOf(catalog: CatalogReader, filter: CatalogFilter, partRows?: number): Map<string, Part> {
  const fields = ["typeNormalized", "modelId", "dataName", "version", "isLatest"] as const;
  const slices = readAll((after) => catalog.scanFields(filter, fields, after, PAGE));
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

/** What the last publish recorded; anything unreadable means nothing (every part is looked at again). */
async function readState(file: string): Promise<ExportState> {
  const none: ExportState = { cursor: null, parts: {}, models: {} };
  try {
    const doc = JSON.parse(await readFile(file, "utf8"));
    if (typeof doc?.parts !== "object" || doc.parts === null) return none;
    // Version 1 kept fingerprints only: the next publish reads every row and records the rest.
    if (doc.version === 1) {
      const parts: Record<string, PartRecord> = {};
      for (const [path, fingerprint] of Object.entries(doc.parts as Record<string, string>))
        parts[path] = { fingerprint, sha: "" };
      return { ...none, parts };
    }
    if (doc.version !== STATE_VERSION || typeof doc.models !== "object" || doc.models === null) return none;
    return {
      cursor: typeof doc.cursor === "string" ? doc.cursor : null,
      parts: doc.parts,
      models: doc.models,
    };
  } catch {
    return none;
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
