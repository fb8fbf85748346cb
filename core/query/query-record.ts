import {
  CATALOG_COLUMNS,
  type ColumnStorageTypes,
  QUERYABLE_FIELDS,
  type QueryableField,
  type RecordKeyOf,
  type StorageOf,
} from "../catalog-columns.ts";
import type { CatalogRow } from "../ports/catalog.ts";
import type { ContentReader } from "../ports/content-reader.ts";
import { contentKind, decodeContent, needsBytes, type RecordContent } from "./record-content.ts";

type ColumnRecord<Int> = {
  -readonly [F in QueryableField as RecordKeyOf<F>]: StorageOf<F> extends "integer"
    ? Int
    : ColumnStorageTypes[StorageOf<F>];
};

/** What a record holds besides its columns: read from its bytes. */
interface ContentFields {
  attributes: unknown;
  content: unknown;
}

/**
 * One data version as `data query` and the `data.*` functions return it (docs/architecture.md,
 * "Queries"): each queryable column of core/catalog-columns.ts, and the content.
 */
export type DataRecord = ColumnRecord<number> & ContentFields;

/** The same record inside CEL, where integers are BigInt. */
export type CelDataRecord = ColumnRecord<bigint> & ContentFields;

type RecordKey = keyof DataRecord;

const recordKeyOf = (field: QueryableField): RecordKey => {
  const column = CATALOG_COLUMNS[field];
  return "recordKey" in column ? column.recordKey : column.cel;
};

/**
 * The keys a record starts with, in the order its JSON output has always had; the keys of columns
 * added since follow, in column order.
 */
const FIRST_KEYS = [
  "id",
  "name",
  "version",
  "isLatest",
  "createdAt",
  "namespace",
  "attributes",
  "tags",
  "modelName",
  "modelId",
  "modelType",
  "specName",
  "dataType",
  "contentType",
  "lifetime",
  "ownerType",
  "streaming",
  "size",
  "content",
] as const satisfies readonly RecordKey[];

/** Where each key of a record comes from, in key order: a row field, or the loaded content. */
const RECORD_SOURCES: readonly { key: RecordKey; field: QueryableField | null; integer: boolean }[] = (() => {
  const byKey = new Map<RecordKey, QueryableField>(
    QUERYABLE_FIELDS.map((field) => [recordKeyOf(field), field]),
  );
  const first: readonly RecordKey[] = FIRST_KEYS;
  const keys = [...first, ...[...byKey.keys()].filter((key) => !first.includes(key))];
  return keys.map((key) => {
    const field = byKey.get(key) ?? null;
    return { key, field, integer: field !== null && CATALOG_COLUMNS[field].storage === "integer" };
  });
})();

/**
 * A record as one object literal, compiled once from RECORD_SOURCES (`int` converts integers): a
 * record built key by key in a loop made `data query` measurably slower (docs/architecture.md,
 * "Catalog"). Keys and code come from core/catalog-columns.ts, never from data.
 */
const recordOf = new Function(
  "row",
  "loaded",
  "int",
  `return { ${RECORD_SOURCES.map(({ key, field, integer }) => {
    const value = field === null ? `loaded[${JSON.stringify(key)}]` : `row[${JSON.stringify(field)}]`;
    return `${JSON.stringify(key)}: ${integer ? `int(${value})` : value}`;
  }).join(", ")} };`,
) as <N>(row: CatalogRow, loaded: RecordContent, int: (n: number) => N) => unknown;

/** The `data query` result form: `content` is parsed JSON for JSON records and "" otherwise. */
export function toDataRecord(row: CatalogRow, loaded: RecordContent): DataRecord {
  const content = contentKind(row.contentType) === "json" ? loaded.content : "";
  return recordOf(row, { attributes: loaded.attributes, content }, Number) as DataRecord;
}

export function toCelRecord(row: CatalogRow, loaded: RecordContent): CelDataRecord {
  return recordOf(row, loaded, BigInt) as CelDataRecord;
}

const CONCURRENT_READS = 16;

/**
 * Decoded content of each row, reading bytes only for records whose exposed values depend on them;
 * `read` is told of each row's bytes as they come.
 */
export async function loadContents(
  rows: readonly CatalogRow[],
  reader: ContentReader,
  read?: (row: CatalogRow, bytes: Uint8Array | null) => void,
): Promise<RecordContent[]> {
  const out: RecordContent[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i] as CatalogRow;
      if (!needsBytes(row.contentType)) {
        out[i] = decodeContent(row.contentType, null);
        continue;
      }
      const bytes = await reader.read(row);
      read?.(row, bytes);
      out[i] = decodeContent(row.contentType, bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, rows.length) }, worker));
  return out;
}
