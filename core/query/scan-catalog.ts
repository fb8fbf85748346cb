import type { Catalog, CatalogFilter, CatalogRow } from "../ports/catalog.ts";

export const SCAN_PAGE_SIZE = 1000;

/** Pages of rows matching `filter` in rowid order (keyset paging, never OFFSET). */
export function* scanCatalog(catalog: Catalog, filter: CatalogFilter): Generator<CatalogRow[]> {
  let after: number | null = null;
  for (;;) {
    const page = catalog.scan(filter, after, SCAN_PAGE_SIZE);
    if (page.rows.length > 0) yield page.rows;
    // A cursor that does not advance would loop forever; treat it as the end.
    if (page.nextRowid === null || page.nextRowid === after) return;
    after = page.nextRowid;
  }
}

/** Every row matching `filter`, in rowid order. */
export function scanAll(catalog: Catalog, filter: CatalogFilter): CatalogRow[] {
  const rows: CatalogRow[] = [];
  for (const page of scanCatalog(catalog, filter)) rows.push(...page);
  return rows;
}
