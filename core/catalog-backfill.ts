import { toCatalogRow } from "./catalog-row.ts";
import type { CatalogRow, CatalogWriter } from "./ports/catalog.ts";
import type { DataRepository, StoredVersion } from "./ports/data-repository.ts";

/** Rows handed to the catalog at once: few calls, while the walk goes on reading. */
const BATCH_ROWS = 1000;

const stepOf = (v: StoredVersion) => v.metadata.ownerDefinition?.stepName ?? "";

const sameName = (a: StoredVersion, b: StoredVersion) =>
  a.metadata.name === b.metadata.name && a.model.id === b.model.id && a.model.type === b.model.type;

/** Adds the rows of one name's versions to `rows`; none when its newest version is a tombstone (deleted or renamed). */
export function addRowsOfName(namespace: string, versions: StoredVersion[], rows: CatalogRow[]): void {
  let newest = versions[0] as StoredVersion;
  for (const v of versions) if (v.metadata.version > newest.metadata.version) newest = v;
  if (newest.metadata.lifecycle === "deleted") return;
  // Each workflow step keeps its own latest version of a name.
  const maxByStep = new Map<string, number>();
  for (const v of versions) {
    const step = stepOf(v);
    maxByStep.set(step, Math.max(maxByStep.get(step) ?? 0, v.metadata.version));
  }
  for (const v of versions) {
    rows.push(toCatalogRow(namespace, v.model, v.metadata, v.metadata.version === maxByStep.get(stepOf(v))));
  }
}

/** The rows a complete catalog holds for `repo`'s versions, in batches; the walk yields a name's versions together. */
export async function* catalogRowBatches(
  repo: DataRepository,
  namespace: string,
): AsyncGenerator<CatalogRow[]> {
  let rows: CatalogRow[] = [];
  let versions: StoredVersion[] = [];
  const flush = () => {
    const batch = rows;
    rows = [];
    return batch;
  };
  for await (const stored of repo.walk()) {
    if (versions.length > 0 && !sameName(versions[0] as StoredVersion, stored)) {
      addRowsOfName(namespace, versions, rows);
      versions = [];
      if (rows.length >= BATCH_ROWS) yield flush();
    }
    versions.push(stored);
  }
  if (versions.length > 0) addRowsOfName(namespace, versions, rows);
  if (rows.length > 0) yield flush();
}

/**
 * Indexes every version in `repo` into `catalog` (docs/architecture.md, "Catalog"), stamped with
 * `namespace`, and so populates it: the namespace's rows are replaced by the walk's at once, so
 * rows of data deleted elsewhere go; other namespaces' rows stay. Names whose latest version is a
 * tombstone (deleted or renamed) are skipped. Returns the number of rows written.
 */
export async function backfillCatalog(
  repo: DataRepository,
  catalog: CatalogWriter,
  namespace: string,
): Promise<number> {
  let written = 0;
  async function* counted(): AsyncGenerator<CatalogRow[]> {
    for await (const batch of catalogRowBatches(repo, namespace)) {
      written += batch.length;
      yield batch;
    }
  }
  // Replaced at once, filled while the walk reads on.
  await catalog.replaceNamespace(namespace, counted());
  return written;
}
