import { refreshCatalogNames } from "../catalog-refresh.ts";
import { toCatalogRow } from "../catalog-row.ts";
import type { DataMetadata, DataNameKey, ModelKey } from "../data-record.ts";
import type { CatalogNameKey, CatalogWriter, CompactionStats } from "../ports/catalog.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import { keptContentOf } from "../query/kept-content.ts";

export interface CatalogWriteThroughDeps {
  /** Opened on the first change, once: commands that change nothing never open the catalog. */
  catalog: () => Promise<CatalogWriter>;
  /** Read again for the names a sync changed. */
  repo: DataRepository;
  namespace: string;
  /**
   * True while every change of this command is in the change log that the catalog follows before
   * it answers: a version written is then left to that follow (see `written`).
   */
  followsChangeLog?: () => boolean;
}

/**
 * The one way a command's data changes reach the repo's catalog (docs/architecture.md, "Catalog"
 * and "Writing data"): every use case that writes or deletes data tells this, after the change is
 * made, and the catalog follows as a backfill would have it.
 */
export class CatalogWriteThrough {
  readonly #deps: CatalogWriteThroughDeps;
  #writer?: Promise<CatalogWriter>;

  constructor(deps: CatalogWriteThroughDeps) {
    this.#deps = deps;
  }

  get namespace(): string {
    return this.#deps.namespace;
  }

  /**
   * A version was written: it is its name's latest. A tombstone (`lifecycle: "deleted"`, as a
   * rename leaves under the old name) takes the name out instead, as a backfill skips it. The
   * catalog keeps `content`, when given and small enough, where queries read it without opening
   * the version (docs/architecture.md, "Kept content"). When the change log holds the change, the
   * catalog's next read re-reads the name from it anyway (this does not move its cursor), so the
   * write is left to that read and the command never opens the catalog.
   */
  async written(model: ModelKey, meta: DataMetadata, content?: Uint8Array): Promise<void> {
    if (this.#deps.followsChangeLog?.()) return;
    const catalog = await this.#catalog();
    if (meta.lifecycle === "deleted") catalog.replaceName(this.#nameKey(model, meta.name), []);
    else {
      const row = toCatalogRow(this.namespace, model, meta, true);
      catalog.addVersion(row, keptContentOf(row.contentType, row.size, content ?? null));
    }
  }

  /** One version was deleted: the highest one left becomes the latest. */
  async versionDeleted(model: ModelKey, name: string, version: number): Promise<void> {
    (await this.#catalog()).removeVersion({ ...this.#nameKey(model, name), version });
  }

  /** Every version of a name was deleted. */
  async nameDeleted(model: ModelKey, name: string): Promise<void> {
    (await this.#catalog()).replaceName(this.#nameKey(model, name), []);
  }

  /** Names changed underneath (a pull, a renumbering): their rows are read again from the repository. */
  async namesChanged(names: Iterable<DataNameKey>): Promise<number> {
    return refreshCatalogNames(this.#deps.repo, await this.#catalog(), this.namespace, names);
  }

  /** Gives back the space of the rows removed (`data gc`). */
  async compact(): Promise<CompactionStats> {
    return (await this.#catalog()).compact();
  }

  #catalog(): Promise<CatalogWriter> {
    this.#writer ??= this.#deps.catalog();
    return this.#writer;
  }

  #nameKey(model: ModelKey, name: string): CatalogNameKey {
    return { namespace: this.namespace, type: model.type, id: model.id, name };
  }
}
