/** One row of the catalog (docs/architecture.md, "Catalog"): one version of one data name. */
export interface CatalogRow {
  namespace: string;
  typeNormalized: string;
  modelId: string;
  dataName: string;
  id: string;
  version: number;
  isLatest: boolean;
  modelName: string;
  specName: string;
  dataType: string;
  contentType: string;
  lifetime: string;
  ownerType: string;
  streaming: boolean;
  size: number;
  createdAt: string;
  tags: Record<string, string>;
  ownerRef: string;
  workflowRunId: string;
  workflowName: string;
  jobName: string;
  stepName: string;
  source: string;
}

/** What SQL can answer for a query; CEL stays authoritative on top of it. */
export interface CatalogFilter {
  latestOnly?: boolean;
  modelName?: string;
  /** Exact namespace; undefined means every namespace. */
  namespace?: string;
  dataName?: string;
  typeNormalized?: string;
  modelId?: string;
  version?: number;
  /** `tags` JSON must hold this key with this value. */
  tag?: { key: string; value: string };
  specName?: string;
  /** Only the rows with these rowids (as `scanFields` reported them). */
  rowids?: readonly number[];
}

export interface CatalogPage {
  rows: CatalogRow[];
  /** Pass as `afterRowid` for the next page; null when there is none. */
  nextRowid: number | null;
}

/** Some fields of a row, with the rowid that fetches the whole row (`scan({ rowids })`). */
export type CatalogSlice<F extends keyof CatalogRow> = Pick<CatalogRow, F> & { rowid: number };

export interface CatalogSlicePage<F extends keyof CatalogRow> {
  rows: CatalogSlice<F>[];
  nextRowid: number | null;
}

/**
 * The repo-local index of every data version. Synchronous: the SQLite adapter answers in-process.
 * Every mutation of the data repository is written through in one transaction.
 */
export interface Catalog {
  /** Clears is_latest on the other versions of the same (ns, type, model, name, step) and upserts `row` as latest. */
  upsertNewVersion(row: CatalogRow): void;
  /** Removes every row of one data name. */
  removeName(namespace: string, typeNormalized: string, modelId: string, dataName: string): void;
  /** Removes one version; the highest remaining version becomes latest. */
  removeVersion(
    namespace: string,
    typeNormalized: string,
    modelId: string,
    dataName: string,
    version: number,
  ): void;
  /** INSERT OR REPLACE in one transaction (backfill, additive). */
  bulkUpsert(rows: CatalogRow[]): void;
  /**
   * `bulkUpsert` of rows that arrive in batches, all in one transaction: a backfill inserts rows while
   * it reads the next ones. Nothing is kept when `batches` fails. With `replacing`, every row of that
   * namespace is deleted first, in the same transaction (a rebuild: readers never see it half done).
   */
  bulkUpsertBatches(
    batches: AsyncIterable<readonly CatalogRow[]>,
    options?: { replacing?: { namespace: string } },
  ): Promise<void>;
  /** Rows matching `filter`, ordered by rowid, strictly after `afterRowid`, at most `limit`. */
  scan(filter: CatalogFilter, afterRowid: number | null, limit: number): CatalogPage;
  /** Like `scan`, reading only `fields` of each row: far cheaper when a predicate needs few of them. */
  scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    afterRowid: number | null,
    limit: number,
    fields: readonly F[],
  ): CatalogSlicePage<F>;
  count(filter: CatalogFilter): number;
  isPopulated(): boolean;
  markPopulated(): void;
  /** Forgets that the catalog is complete; rows stay, the next query backfills. */
  invalidate(): void;
  /** How far the catalog has followed the datastore's change feed (`ChangeFeed` cursor); null before the first time. */
  changeCursor(): string | null;
  setChangeCursor(cursor: string): void;
  /** WAL checkpoint + VACUUM. */
  compact(): { walPagesTotal: number; walPagesCheckpointed: number; dbBytesReclaimed: number };
  close(): void;
}
