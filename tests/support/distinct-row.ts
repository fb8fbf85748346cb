import {
  CATALOG_COLUMNS,
  CATALOG_FIELDS,
  type ColumnStorage,
  type ColumnStorageTypes,
} from "../../core/catalog-columns.ts";
import type { CatalogRow } from "../../core/ports/catalog.ts";

/** A value of each storage type for the `i`th field (the `nth` of its type) of the row of `seed`. */
const VALUE_OF: {
  [S in ColumnStorage]: (field: string, i: number, nth: number, seed: number) => ColumnStorageTypes[S];
} = {
  text: (field, _i, _nth, seed) => `${field}-${seed}`,
  integer: (_field, i, _nth, seed) => 1000 * (seed + 1) + i,
  // Booleans alternate from field to field, and flip with the seed.
  boolean: (_field, _i, nth, seed) => (nth + seed) % 2 === 0,
  json: (field, _i, _nth, seed) => ({ [field]: `${seed}`, "odd 'key\"": `${field}-${seed}` }),
};

/**
 * A row with a value in every field of core/catalog-columns.ts that no other field of it holds, so
 * that a field dropped, swapped or miscoded on its way through a catalog or a query shows. Rows of
 * different seeds differ in every field.
 */
export function distinctRow(seed = 0): CatalogRow {
  const row: Record<string, unknown> = {};
  const counts = new Map<ColumnStorage, number>();
  CATALOG_FIELDS.forEach((field, i) => {
    const storage = CATALOG_COLUMNS[field].storage;
    const nth = counts.get(storage) ?? 0;
    counts.set(storage, nth + 1);
    row[field] = VALUE_OF[storage](field, i, nth, seed);
  });
  return row as CatalogRow;
}
