import { toCatalogRow } from "./catalog-row.ts";
import type { Catalog, CatalogRow } from "./ports/catalog.ts";
import type { DataRepository, StoredVersion } from "./ports/data-repository.ts";

const stepOf = (v: StoredVersion) => v.metadata.ownerDefinition?.stepName ?? "";

/**
 * Indexes every version in `repo` into `catalog` (SPEC §7.3), stamped with `namespace`, then marks
 * the catalog populated. Additive: rows of data removed out of band stay. Names whose latest version
 * is a tombstone (deleted or renamed) are skipped. Returns the number of rows written.
 */
export async function backfillCatalog(
  repo: DataRepository,
  catalog: Catalog,
  namespace: string,
): Promise<number> {
  const byName = new Map<string, StoredVersion[]>();
  for await (const stored of repo.walk()) {
    const key = `${stored.model.type}\0${stored.model.id}\0${stored.metadata.name}`;
    const versions = byName.get(key);
    if (versions) versions.push(stored);
    else byName.set(key, [stored]);
  }

  // One transaction for every row (SPEC §7.3): the catalog can then build its indexes once, and the
  // rows are already in memory as the metadata they come from.
  const rows: CatalogRow[] = [];
  for (const versions of byName.values()) {
    const newest = versions.reduce((a, b) => (b.metadata.version > a.metadata.version ? b : a));
    if (newest.metadata.lifecycle === "deleted") continue;
    // Each workflow step keeps its own latest version of a name.
    const maxByStep = new Map<string, number>();
    for (const v of versions) {
      const step = stepOf(v);
      maxByStep.set(step, Math.max(maxByStep.get(step) ?? 0, v.metadata.version));
    }
    for (const v of versions) {
      rows.push(
        toCatalogRow(namespace, v.model, v.metadata, v.metadata.version === maxByStep.get(stepOf(v))),
      );
    }
  }
  catalog.bulkUpsert(rows);
  catalog.markPopulated();
  return rows.length;
}
