import type {
  CatalogCursor,
  CatalogFilter,
  CatalogPage,
  CatalogReader,
  CatalogRow,
  CatalogSlice,
  KeptRow,
} from "../ports/catalog.ts";

export const SCAN_PAGE_SIZE = 1000;

/** Pages from `read` in the catalog's order, each starting where the last stopped. */
function* pages<R>(read: (after: CatalogCursor | null) => CatalogPage<R>): Generator<R[]> {
  let after: CatalogCursor | null = null;
  for (;;) {
    const page = read(after);
    if (page.rows.length > 0) yield page.rows;
    // A cursor that does not advance would loop forever; treat it as the end.
    if (page.next === null || page.next === after) return;
    after = page.next;
  }
}

/** Pages of rows matching `filter`, in the order they were last written. */
export function scanCatalog(catalog: CatalogReader, filter: CatalogFilter): Generator<CatalogRow[]> {
  return pages((after) => catalog.scan(filter, after, SCAN_PAGE_SIZE));
}

/** Pages of rows matching `filter` with the content the catalog keeps for them, in the order they were last written. */
export function scanCatalogKept(catalog: CatalogReader, filter: CatalogFilter): Generator<KeptRow[]> {
  return pages((after) => catalog.scanKept(filter, after, SCAN_PAGE_SIZE));
}

/** Pages of `fields` of the rows matching `filter`, in the order they were last written. */
export function scanCatalogFields<F extends keyof CatalogRow>(
  catalog: CatalogReader,
  filter: CatalogFilter,
  fields: readonly F[],
): Generator<CatalogSlice<F>[]> {
  return pages((after) => catalog.scanFields(filter, fields, after, SCAN_PAGE_SIZE));
}

/** Every row matching `filter`, in the order they were last written. */
export function scanAll(catalog: CatalogReader, filter: CatalogFilter): CatalogRow[] {
  const rows: CatalogRow[] = [];
  for (const page of scanCatalog(catalog, filter)) rows.push(...page);
  return rows;
}
