import type { Catalog, CatalogFilter, CatalogRow, CatalogSlice } from "../ports/catalog.ts";

export const SCAN_PAGE_SIZE = 1000;

/** Pages from `read` in rowid order (keyset paging, never OFFSET). */
function* pages<R>(read: (after: number | null) => { rows: R[]; nextRowid: number | null }): Generator<R[]> {
  let after: number | null = null;
  for (;;) {
    const page = read(after);
    if (page.rows.length > 0) yield page.rows;
    // A cursor that does not advance would loop forever; treat it as the end.
    if (page.nextRowid === null || page.nextRowid === after) return;
    after = page.nextRowid;
  }
}

/** Pages of rows matching `filter` in rowid order. */
export function scanCatalog(catalog: Catalog, filter: CatalogFilter): Generator<CatalogRow[]> {
  return pages((after) => catalog.scan(filter, after, SCAN_PAGE_SIZE));
}

/** Pages of `fields` of the rows matching `filter`, in rowid order. */
export function scanCatalogFields<F extends keyof CatalogRow>(
  catalog: Catalog,
  filter: CatalogFilter,
  fields: readonly F[],
): Generator<CatalogSlice<F>[]> {
  return pages((after) => catalog.scanFields(filter, after, SCAN_PAGE_SIZE, fields));
}

/** Every row matching `filter`, in rowid order. */
export function scanAll(catalog: Catalog, filter: CatalogFilter): CatalogRow[] {
  const rows: CatalogRow[] = [];
  for (const page of scanCatalog(catalog, filter)) rows.push(...page);
  return rows;
}
