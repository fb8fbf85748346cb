import { catalogRowBatches } from "../catalog-backfill.ts";
import type { CatalogCursor, CatalogPage, CatalogReader, CatalogSlice } from "../ports/catalog.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import { type CatalogKey, catalogFindings } from "./catalog-findings.ts";
import type { Finding } from "./finding.ts";

/** Catalog rows read at once. */
const PAGE_ROWS = 5000;
const KEY_FIELDS = ["typeNormalized", "modelId", "dataName", "version", "isLatest"] as const;

/** The catalog's rows of `namespace` against a walk of the datastore's versions. */
export async function checkCatalog(
  repo: DataRepository,
  catalog: CatalogReader,
  namespace: string,
): Promise<Finding[]> {
  const expected: CatalogKey[] = [];
  for await (const batch of catalogRowBatches(repo, namespace)) expected.push(...batch);
  const actual: CatalogKey[] = [];
  // Each page starts where the last stopped, so the pages end.
  for (let after: CatalogCursor | null = null; ; ) {
    const page: CatalogPage<CatalogSlice<(typeof KEY_FIELDS)[number]>> = catalog.scanFields(
      { namespace },
      KEY_FIELDS,
      after,
      PAGE_ROWS,
    );
    actual.push(...page.rows);
    if (page.next === null) break;
    after = page.next;
  }
  return catalogFindings(expected, actual);
}
