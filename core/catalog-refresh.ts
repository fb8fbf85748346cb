import { toCatalogRow } from "./catalog-row.ts";
import type { DataNameRef } from "./data-path.ts";
import type { Catalog } from "./ports/catalog.ts";
import type { DataRepository } from "./ports/data-repository.ts";

/**
 * Re-reads the given data names from the repository into the catalog: their rows are replaced
 * by what is on disk now (none when the name was deleted or renamed away). Used after a pull,
 * so the catalog follows remote changes without a full backfill.
 */
export async function refreshCatalogNames(
  repo: DataRepository,
  catalog: Catalog,
  namespace: string,
  names: Iterable<DataNameRef>,
): Promise<number> {
  let rows = 0;
  for (const ref of names) {
    const model = { type: ref.type, id: ref.id };
    catalog.removeName(namespace, ref.type, ref.id, ref.name);
    const versions = await repo.versions(model, ref.name);
    const latest = versions.at(-1);
    if (latest === undefined) continue;
    const metas = (await Promise.all(versions.map((v) => repo.get(model, ref.name, v)))).filter(
      (m) => m !== null,
    );
    if (metas.at(-1)?.lifecycle === "deleted") continue;
    catalog.bulkUpsert(metas.map((meta) => toCatalogRow(namespace, model, meta, meta.version === latest)));
    rows += metas.length;
  }
  return rows;
}
