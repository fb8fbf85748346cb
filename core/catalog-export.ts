import { CATALOG_COLUMNS, CATALOG_FIELDS, type CatalogField, type ColumnStorage } from "./catalog-columns.ts";
import type { ModelKey } from "./data-record.ts";
import type { CatalogRow } from "./ports/catalog.ts";
import { hashText } from "./sync/index-buckets.ts";
import { EXPORT_PART_ROWS } from "./tunables.ts";

/**
 * A namespace's published catalog (docs/architecture.md, "Catalog export"): a small manifest at
 * `{ns}/.catalog-export.json` and one part per model at `{ns}/.catalog-export/{type…}/{modelId}.json.gz`
 * (gzipped JSON), each part every version's row of that model, columns named once; a big model's
 * rows are split by data name into `{modelId}/{parts}-{i}.json.gz`. A push rewrites only the parts
 * whose rows changed; a reader lists the parts.
 */

/** Cache- and namespace-relative path of the manifest. */
export const EXPORT_MANIFEST = ".catalog-export.json";
/** Cache- and namespace-relative folder of the parts. */
export const EXPORT_PARTS_DIR = ".catalog-export";
const PART_SUFFIX = ".json.gz";
const MANIFEST_FORMAT = "swamp-catalog-export";
const PART_FORMAT = "swamp-catalog-part";
const FORMAT_VERSION = 1;

/** The SQL names, as exports name the columns (the reference's snake_case row keys). */
const COLUMN_NAMES: readonly string[] = CATALOG_FIELDS.map((f) => CATALOG_COLUMNS[f].sql);

/** The manifest's text for `namespace`: it never changes, so concurrent pushes never race on it. */
export function exportManifest(namespace: string): string {
  return `${JSON.stringify({ format: MANIFEST_FORMAT, version: FORMAT_VERSION, namespace, parts: `${EXPORT_PARTS_DIR}/` })}\n`;
}

/** How many parts hold a model of `rows` rows: one, or 2^k of at most about `perPart` rows each. */
export function exportPartCount(rows: number, perPart = EXPORT_PART_ROWS): number {
  let parts = 1;
  while (rows / parts > perPart) parts *= 2;
  return parts;
}

/**
 * The part holding `model`'s rows of `dataName` when the model is in `parts` parts: a put changes
 * one name's rows (its new version, and the latest flag of the one before), so one part.
 */
export function exportPartPath(model: ModelKey, parts = 1, dataName = ""): string {
  const base = `${EXPORT_PARTS_DIR}/${model.type}/${model.id}`;
  if (parts === 1) return `${base}${PART_SUFFIX}`;
  return `${base}/${parts}-${hashText(dataName) & (parts - 1)}${PART_SUFFIX}`;
}

/** Whether a namespace-relative key is a part. */
export const isExportPart = (rel: string): boolean =>
  rel.startsWith(`${EXPORT_PARTS_DIR}/`) && rel.endsWith(PART_SUFFIX);

/** One model's rows as its part's (uncompressed) text: sorted, so the same rows give the same bytes. */
export function encodeExportPart(namespace: string, model: ModelKey, rows: readonly CatalogRow[]): string {
  const sorted = [...rows].sort((a, b) =>
    a.dataName === b.dataName ? a.version - b.version : a.dataName < b.dataName ? -1 : 1,
  );
  const values = sorted.map((row) => CATALOG_FIELDS.map((field) => row[field]));
  return JSON.stringify({
    format: PART_FORMAT,
    version: FORMAT_VERSION,
    namespace,
    type: model.type,
    id: model.id,
    columns: COLUMN_NAMES,
    rows: values,
  });
}

/** Why an export cannot be read: a malformed export changes nothing. */
export class MalformedExport extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What a manifest says: parts to list, or (the reference's form) the rows themselves. */
export type ExportManifest = { kind: "parts" } | { kind: "rows"; rows: CatalogRow[] };

/** Reads the manifest of `namespace`; throws MalformedExport. */
export function decodeExportManifest(text: string, namespace: string): ExportManifest {
  const doc = parseJson(text, EXPORT_MANIFEST);
  // The original swamp CLI publishes a flat array of rows keyed by column name.
  if (Array.isArray(doc)) {
    return { kind: "rows", rows: doc.map((row, i) => decodeRow(namespace, (c) => recordOf(row, i)[c], i)) };
  }
  if (!isRecord(doc) || doc.format !== MANIFEST_FORMAT)
    throw new MalformedExport(`${EXPORT_MANIFEST} is not a catalog export manifest`);
  if (doc.version !== FORMAT_VERSION)
    throw new MalformedExport(
      `${EXPORT_MANIFEST} has format version ${String(doc.version)}, this swamp reads ${FORMAT_VERSION}`,
    );
  if (doc.namespace !== namespace)
    throw new MalformedExport(`${EXPORT_MANIFEST} names namespace ${JSON.stringify(doc.namespace)}`);
  return { kind: "parts" };
}

/** The rows of one part of `namespace`; throws MalformedExport. */
export function decodeExportPart(text: string, namespace: string, where: string): CatalogRow[] {
  const doc = parseJson(text, where);
  if (!isRecord(doc) || doc.format !== PART_FORMAT || doc.version !== FORMAT_VERSION)
    throw new MalformedExport(`${where} is not a catalog export part of format version ${FORMAT_VERSION}`);
  if (doc.namespace !== namespace)
    throw new MalformedExport(`${where} names namespace ${JSON.stringify(doc.namespace)}`);
  const { columns, rows } = doc;
  if (!Array.isArray(columns) || !Array.isArray(rows))
    throw new MalformedExport(`${where} lacks its columns or rows`);
  const at = new Map<unknown, number>(columns.map((c, i) => [c, i]));
  return rows.map((row, i) => {
    if (!Array.isArray(row) || row.length !== columns.length)
      throw new MalformedExport(`${where}: row ${i} does not have ${columns.length} values`);
    return decodeRow(
      namespace,
      (c) => {
        const k = at.get(c);
        return k === undefined ? undefined : row[k];
      },
      i,
      where,
    );
  });
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MalformedExport(`${where} is not JSON (${(e as Error).message})`);
  }
}

function recordOf(row: unknown, i: number): Record<string, unknown> {
  if (!isRecord(row)) throw new MalformedExport(`${EXPORT_MANIFEST}: row ${i} is not an object`);
  return row;
}

const VALID: Record<ColumnStorage, (v: unknown) => boolean> = {
  text: (v) => typeof v === "string",
  integer: (v) => Number.isSafeInteger(v),
  boolean: (v) => typeof v === "boolean",
  json: (v) => isRecord(v) && Object.values(v).every((x) => typeof x === "string"),
};

/** A row from its values by column name; 0/1 are read as booleans (SQLite's form). A missing column takes its default. */
function decodeRow(
  namespace: string,
  columnValue: (column: string) => unknown,
  i: number,
  where = EXPORT_MANIFEST,
): CatalogRow {
  const row: Record<string, unknown> = {};
  for (const field of CATALOG_FIELDS as readonly CatalogField[]) {
    const column = CATALOG_COLUMNS[field];
    let value = columnValue(column.sql);
    if (value === undefined && "default" in column) value = column.default;
    if (column.storage === "boolean" && (value === 0 || value === 1)) value = value === 1;
    if (column.storage === "json" && typeof value === "string")
      value = parseJson(value, `${where}: row ${i} ${column.sql}`);
    if (!VALID[column.storage](value))
      throw new MalformedExport(`${where}: row ${i} has no valid ${column.sql} (${column.storage})`);
    row[field] = value;
  }
  row.namespace = namespace;
  return row as CatalogRow;
}
