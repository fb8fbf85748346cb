import { CATALOG_COLUMNS, CATALOG_FIELDS, type ColumnSource } from "./catalog-columns.ts";
import type { DataMetadata, ModelKey } from "./data-record.ts";
import type { CatalogRow } from "./ports/catalog.ts";

/** Each column's reader, in column order. */
const READERS = CATALOG_FIELDS.map(
  (field) => CATALOG_COLUMNS[field].read as (source: ColumnSource) => unknown,
);

/**
 * The catalog row of one data version (docs/architecture.md, "Catalog"): each field as its column
 * in core/catalog-columns.ts reads it (names from tags, provenance from the owner).
 */
export function toCatalogRow(
  namespace: string,
  model: ModelKey,
  meta: DataMetadata,
  isLatest: boolean,
): CatalogRow {
  const source: ColumnSource = { namespace, model, meta, owner: meta.ownerDefinition, isLatest };
  const row: Record<string, unknown> = {};
  for (let i = 0; i < READERS.length; i++) {
    row[CATALOG_FIELDS[i] as string] = (READERS[i] as (source: ColumnSource) => unknown)(source);
  }
  return row as CatalogRow;
}
