import type { CatalogRowFields } from "../catalog-columns.ts";
import type { DataNameKey } from "../data-record.ts";

/**
 * One row of the catalog (docs/architecture.md, "Catalog"): one version of one data name, a field
 * per column of core/catalog-columns.ts.
 */
export type CatalogRow = CatalogRowFields;

/** A data name in the catalog: the catalog holds the rows of several namespaces. */
export interface CatalogNameKey extends DataNameKey {
  namespace: string;
}

/** One version of a data name in the catalog. */
export interface CatalogVersionKey extends CatalogNameKey {
  version: number;
}

declare const cursorBrand: unique symbol;
/** Where a scan stopped; only the catalog that gave it reads it. */
export type CatalogCursor = { readonly [cursorBrand]: true };

declare const handleBrand: unique symbol;
/** One row as written: it finds that row again until the row is rewritten or removed. */
export type CatalogRowHandle = { readonly [handleBrand]: true };

/** What the catalog can answer for a query cheaply; CEL stays authoritative on top of it. */
export interface CatalogFilter {
  latestOnly?: boolean;
  modelName?: string;
  /** Exact namespace; undefined means every namespace. */
  namespace?: string;
  dataName?: string;
  typeNormalized?: string;
  modelId?: string;
  version?: number;
  /** `tags` must hold this key with this value. */
  tag?: { key: string; value: string };
  specName?: string;
  /** Only the rows with these handles (as `scanFields` gave them). */
  handles?: readonly CatalogRowHandle[];
}

export interface CatalogPage<R> {
  rows: R[];
  /** Pass as `after` for the next page; null when there is none. */
  next: CatalogCursor | null;
}

/** Some fields of a row, with the handle that fetches the whole row (`scan({ handles })`). */
export type CatalogSlice<F extends keyof CatalogRow> = Pick<CatalogRow, F> & { handle: CatalogRowHandle };

/**
 * A row with the content the catalog keeps for it (docs/architecture.md, "Kept content"): the
 * version's bytes, or null when the catalog keeps none (too large, binary, another namespace's, or
 * not read since the row was written).
 */
export interface KeptRow {
  row: CatalogRow;
  content: Uint8Array | null;
}

/** What `compact` did: the write log folded into the catalog (if it keeps one), the space given back. */
export interface CompactionStats {
  /** Entries the write log held before compaction; 0 without a log. */
  logEntries: number;
  /** Of those, the entries folded into the catalog. */
  logEntriesFolded: number;
  bytesReclaimed: number;
}

/** Reading the catalog. Synchronous: the catalog answers in-process. */
export interface CatalogReader {
  /** At most `limit` rows matching `filter` after `after`, in the order they were last written. */
  scan(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<CatalogRow>;
  /** Like `scan`, reading only `fields` of each row: far cheaper when a predicate needs few of them. */
  scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    fields: readonly F[],
    after: CatalogCursor | null,
    limit: number,
  ): CatalogPage<CatalogSlice<F>>;
  /** Like `scan`, with the content the catalog keeps for each row. */
  scanKept(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<KeptRow>;
  /**
   * Whether a rebuild (`replaceNamespace`) has filled `namespace`'s rows since the catalog was
   * created: each namespace is populated on its own, so a repo that changes namespace backfills it.
   */
  isPopulated(namespace: string): boolean;
  /**
   * How far the catalog has followed `namespace`'s change feed (`ChangeFeed` cursor; each namespace
   * has its own, beside its data); null before the first time.
   */
  changeCursor(namespace: string): string | null;
  /** When `namespace`'s rows were last replaced by its published catalog (`replaceForeign`); null if never since. */
  foreignPulledAt(namespace: string): string | null;
}

/** Writing the catalog: every mutation of the data repository is written through, each call at once. */
export interface CatalogWriter {
  /**
   * Adds a new version as the only latest of its name within its workflow step (`row.isLatest` is
   * ignored), keeping `content` for it when given.
   */
  addVersion(row: CatalogRow, content?: Uint8Array | null): void;
  /**
   * Keeps each entry's content for its row, if that row is still the one read (same version, id,
   * creation time and size); rows rewritten or removed since are left alone. Best effort: a catalog
   * busy with another writer may keep nothing, and nothing fails. Whatever rewrites a row (the
   * same version added again, `replaceName`, `replaceNamespace`, `replaceForeign`) or removes it
   * drops what was kept for it.
   */
  keepContent(entries: readonly KeptRow[]): void;
  /** Removes one version; the highest remaining version of each workflow step becomes its latest. */
  removeVersion(key: CatalogVersionKey): void;
  /** The rows of one data name become `rows`, flagged as given; none removes the name. */
  replaceName(key: CatalogNameKey, rows: readonly CatalogRow[]): void;
  /**
   * Every row of `namespace` is replaced by the rows `batches` yield, at once (readers never see it
   * half done), and `namespace` is populated; other namespaces' rows stay; nothing changes when
   * `batches` fails.
   */
  replaceNamespace(namespace: string, batches: AsyncIterable<readonly CatalogRow[]>): Promise<void>;
  /**
   * Every row of `namespace` becomes one of `rows` (stamped with `namespace`), at once, as another
   * namespace's published catalog: other namespaces' rows stay, `namespace` is not populated (its
   * own repo would still rebuild it from its data), and `foreignPulledAt(namespace)` answers
   * `pulledAt` until the next rebuild of `namespace` (`replaceNamespace`) forgets it.
   */
  replaceForeign(namespace: string, rows: readonly CatalogRow[], pulledAt: string): void;
  /** Remembers how far the catalog has followed `namespace`'s change feed (what `changeCursor` answers next). */
  setChangeCursor(namespace: string, cursor: string): void;
  /** Gives back the space of removed rows; rows stay. */
  compact(): CompactionStats;
}

/** The repo-local index of every data version, for CEL queries (docs/architecture.md, "The catalog port"). */
export interface Catalog extends CatalogReader, CatalogWriter {
  /** Lets go of the catalog; nothing is called after it. */
  close(): void;
}
