import { catalogRowBatches } from "../catalog-backfill.ts";
import type { Catalog, CatalogSlicePage } from "../ports/catalog.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import { type CatalogKey, catalogFindings } from "./catalog-findings.ts";
import type { Finding } from "./finding.ts";

/** Catalog rows read at once. */
const PAGE_ROWS = 5000;
const KEY_FIELDS = ["typeNormalized", "modelId", "dataName", "version", "isLatest"] as const;

/** The catalog's rows of `namespace` against a walk of the datastore's versions. */
export async function checkCatalog(
  repo: DataRepository,
  catalog: Catalog,
  namespace: string,
): Promise<Finding[]> {
  const expected: CatalogKey[] = [];
  for await (const batch of catalogRowBatches(repo, namespace)) expected.push(...batch);
  const actual: CatalogKey[] = [];
  // Rowids only grow, so the pages end.
  for (let after: number | null = null; ; ) {
    const page: CatalogSlicePage<(typeof KEY_FIELDS)[number]> = catalog.scanFields(
      { namespace },
      after,
      PAGE_ROWS,
      KEY_FIELDS,
    );
    actual.push(...page.rows);
    if (page.nextRowid === null) break;
    after = page.nextRowid;
  }
  return catalogFindings(expected, actual);
}
