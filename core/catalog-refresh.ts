import { addRowsOfName } from "./catalog-backfill.ts";
import type { DataNameKey } from "./data-record.ts";
import type { CatalogRow, CatalogWriter } from "./ports/catalog.ts";
import type { DataRepository } from "./ports/data-repository.ts";

/**
 * Re-reads the given data names from the repository into the catalog: their rows are replaced
 * by what is on disk now (none when the name was deleted or renamed away), flagged as a backfill
 * would flag them. Used after a pull and when the datastore's change log says they changed, so
 * the catalog follows changes without a full backfill.
 */
export async function refreshCatalogNames(
  repo: DataRepository,
  catalog: CatalogWriter,
  namespace: string,
  names: Iterable<DataNameKey>,
): Promise<number> {
  let count = 0;
  for (const ref of names) {
    const model = { type: ref.type, id: ref.id };
    const versions = await repo.versions(model, ref.name);
    const metas = await Promise.all(versions.map((v) => repo.get(model, ref.name, v)));
    const stored = metas.filter((m) => m !== null).map((metadata) => ({ model, metadata }));
    const rows: CatalogRow[] = [];
    if (stored.length > 0) addRowsOfName(namespace, stored, rows);
    catalog.replaceName({ namespace, ...ref }, rows);
    count += rows.length;
  }
  return count;
}
