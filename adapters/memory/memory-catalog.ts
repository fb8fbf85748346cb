import type {
  Catalog,
  CatalogFilter,
  CatalogPage,
  CatalogRow,
  CatalogSlice,
  CatalogSlicePage,
} from "../../core/ports/catalog.ts";

const nameKey = (ns: string, type: string, modelId: string, dataName: string) =>
  `${ns}\0${type}\0${modelId}\0${dataName}`;
const rowKey = (r: CatalogRow) =>
  `${nameKey(r.namespace, r.typeNormalized, r.modelId, r.dataName)}\0${r.version}`;

function matchesCatalogFilter(rowid: number, row: CatalogRow, f: CatalogFilter): boolean {
  return (
    (f.rowids === undefined || f.rowids.includes(rowid)) &&
    (!f.latestOnly || row.isLatest) &&
    (f.modelName === undefined || row.modelName === f.modelName) &&
    (f.namespace === undefined || row.namespace === f.namespace) &&
    (f.dataName === undefined || row.dataName === f.dataName) &&
    (f.typeNormalized === undefined || row.typeNormalized === f.typeNormalized) &&
    (f.modelId === undefined || row.modelId === f.modelId) &&
    (f.version === undefined || row.version === f.version) &&
    (f.specName === undefined || row.specName === f.specName) &&
    (f.tag === undefined || (Object.hasOwn(row.tags, f.tag.key) && row.tags[f.tag.key] === f.tag.value))
  );
}

/**
 * An in-process Catalog with the SQLite adapter's semantics, for engine tests: rows get a
 * fresh rowid on every (re)insert, like INSERT OR REPLACE does.
 */
export class MemoryCatalog implements Catalog {
  /** Insertion order is rowid order: a replaced row is deleted and re-added with a new rowid. */
  private readonly rows = new Map<string, { rowid: number; row: CatalogRow }>();
  private nextRowid = 1;
  private populated = false;
  private cursor: string | null = null;

  private put(row: CatalogRow): void {
    const key = rowKey(row);
    this.rows.delete(key);
    this.rows.set(key, { rowid: this.nextRowid++, row: { ...row, tags: { ...row.tags } } });
  }

  private rowsOfName(ns: string, type: string, modelId: string, dataName: string): CatalogRow[] {
    const prefix = `${nameKey(ns, type, modelId, dataName)}\0`;
    return [...this.rows].filter(([key]) => key.startsWith(prefix)).map(([, entry]) => entry.row);
  }

  upsertNewVersion(row: CatalogRow): void {
    for (const other of this.rowsOfName(row.namespace, row.typeNormalized, row.modelId, row.dataName)) {
      if (other.stepName === row.stepName) other.isLatest = false;
    }
    this.put({ ...row, isLatest: true });
  }

  removeName(namespace: string, typeNormalized: string, modelId: string, dataName: string): void {
    const prefix = `${nameKey(namespace, typeNormalized, modelId, dataName)}\0`;
    for (const key of [...this.rows.keys()]) if (key.startsWith(prefix)) this.rows.delete(key);
  }

  removeVersion(
    namespace: string,
    typeNormalized: string,
    modelId: string,
    dataName: string,
    version: number,
  ): void {
    this.rows.delete(`${nameKey(namespace, typeNormalized, modelId, dataName)}\0${version}`);
    const remaining = this.rowsOfName(namespace, typeNormalized, modelId, dataName);
    const maxByStep = new Map<string, number>();
    for (const r of remaining) maxByStep.set(r.stepName, Math.max(maxByStep.get(r.stepName) ?? 0, r.version));
    for (const r of remaining) r.isLatest = r.version === maxByStep.get(r.stepName);
  }

  bulkUpsert(rows: CatalogRow[]): void {
    for (const row of rows) this.put(row);
  }

  async bulkUpsertBatches(
    batches: AsyncIterable<readonly CatalogRow[]>,
    options: { replacing?: { namespace: string } } = {},
  ): Promise<void> {
    const rows: CatalogRow[] = [];
    for await (const batch of batches) rows.push(...batch);
    const replaced = options.replacing?.namespace;
    if (replaced !== undefined)
      for (const [key, { row }] of this.rows) if (row.namespace === replaced) this.rows.delete(key);
    this.bulkUpsert(rows);
  }

  scan(filter: CatalogFilter, afterRowid: number | null, limit: number): CatalogPage {
    return this.page(filter, afterRowid, limit, (_, row) => ({ ...row, tags: { ...row.tags } }));
  }

  scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    afterRowid: number | null,
    limit: number,
    fields: readonly F[],
  ): CatalogSlicePage<F> {
    return this.page(filter, afterRowid, limit, (rowid, row) => {
      const slice: Record<string, unknown> = { rowid };
      for (const field of fields) slice[field] = field === "tags" ? { ...row.tags } : row[field];
      return slice as CatalogSlice<F>;
    });
  }

  private page<R>(
    filter: CatalogFilter,
    afterRowid: number | null,
    limit: number,
    copy: (rowid: number, row: CatalogRow) => R,
  ): { rows: R[]; nextRowid: number | null } {
    const rows: R[] = [];
    let lastRowid = 0;
    for (const { rowid, row } of this.rows.values()) {
      if (afterRowid !== null && rowid <= afterRowid) continue;
      if (!matchesCatalogFilter(rowid, row, filter)) continue;
      if (rows.length === limit) return { rows, nextRowid: lastRowid };
      rows.push(copy(rowid, row));
      lastRowid = rowid;
    }
    return { rows, nextRowid: null };
  }

  count(filter: CatalogFilter): number {
    let n = 0;
    for (const { rowid, row } of this.rows.values()) if (matchesCatalogFilter(rowid, row, filter)) n++;
    return n;
  }

  isPopulated(): boolean {
    return this.populated;
  }

  markPopulated(): void {
    this.populated = true;
  }

  invalidate(): void {
    this.populated = false;
  }

  changeCursor(): string | null {
    return this.cursor;
  }

  setChangeCursor(cursor: string): void {
    this.cursor = cursor;
  }

  compact() {
    return { walPagesTotal: 0, walPagesCheckpointed: 0, dbBytesReclaimed: 0 };
  }

  close(): void {}
}
