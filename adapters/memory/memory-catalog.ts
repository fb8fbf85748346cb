import { CATALOG_COLUMNS, CATALOG_FIELDS } from "../../core/catalog-columns.ts";
import type {
  Catalog,
  CatalogCursor,
  CatalogFilter,
  CatalogNameKey,
  CatalogPage,
  CatalogRow,
  CatalogRowHandle,
  CatalogSlice,
  CatalogVersionKey,
  CompactionStats,
  KeptRow,
} from "../../core/ports/catalog.ts";

const nameKey = (key: CatalogNameKey) => `${key.namespace}\0${key.type}\0${key.id}\0${key.name}`;
const nameOf = (r: CatalogRow): CatalogNameKey => ({
  namespace: r.namespace,
  type: r.typeNormalized,
  id: r.modelId,
  name: r.dataName,
});
const rowKey = (r: CatalogRow) => `${nameKey(nameOf(r))}\0${r.version}`;

/** The fields held as maps (core/catalog-columns.ts): copied in and out, so no caller shares them. */
const MAP_FIELDS: ReadonlySet<string> = new Set(
  CATALOG_FIELDS.filter((field) => CATALOG_COLUMNS[field].storage === "json"),
);

function copyOf(row: CatalogRow): CatalogRow {
  const copy: Record<string, unknown> = { ...row };
  for (const field of MAP_FIELDS) copy[field] = { ...(copy[field] as object) };
  return copy as CatalogRow;
}

/** Cursors and handles are sequence numbers: every write of a row takes the next one. */
const seqOf = (at: CatalogCursor | CatalogRowHandle) => at as unknown as number;
const cursorAt = (seq: number) => seq as unknown as CatalogCursor;
const handleAt = (seq: number) => seq as unknown as CatalogRowHandle;

function matchesCatalogFilter(seq: number, row: CatalogRow, f: CatalogFilter): boolean {
  return (
    (f.handles === undefined || f.handles.some((h) => seqOf(h) === seq)) &&
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

/** An in-process Catalog with the SQLite adapter's semantics, for engine tests. */
export class MemoryCatalog implements Catalog {
  /** Insertion order is scan order: a rewritten row is deleted and re-added with a new sequence number. */
  private readonly rows = new Map<string, { seq: number; row: CatalogRow; kept: Uint8Array | null }>();
  private nextSeq = 1;
  private readonly populated = new Set<string>();
  private readonly cursors = new Map<string, string>();
  private readonly foreignPulled = new Map<string, string>();

  private put(row: CatalogRow, kept: Uint8Array | null = null): void {
    const key = rowKey(row);
    this.rows.delete(key);
    this.rows.set(key, { seq: this.nextSeq++, row: copyOf(row), kept: kept?.slice() ?? null });
  }

  private rowsOfName(key: CatalogNameKey): CatalogRow[] {
    const prefix = `${nameKey(key)}\0`;
    return [...this.rows].filter(([k]) => k.startsWith(prefix)).map(([, entry]) => entry.row);
  }

  addVersion(row: CatalogRow, content?: Uint8Array | null): void {
    for (const other of this.rowsOfName(nameOf(row))) {
      if (other.stepName === row.stepName) other.isLatest = false;
    }
    this.put({ ...row, isLatest: true }, content ?? null);
  }

  keepContent(entries: readonly KeptRow[]): void {
    for (const { row, content } of entries) {
      const entry = this.rows.get(rowKey(row));
      const same =
        entry !== undefined &&
        entry.row.id === row.id &&
        entry.row.createdAt === row.createdAt &&
        entry.row.size === row.size;
      if (same && content !== null) entry.kept = content.slice();
    }
  }

  removeVersion(key: CatalogVersionKey): void {
    this.rows.delete(`${nameKey(key)}\0${key.version}`);
    const remaining = this.rowsOfName(key);
    const maxByStep = new Map<string, number>();
    for (const r of remaining) maxByStep.set(r.stepName, Math.max(maxByStep.get(r.stepName) ?? 0, r.version));
    for (const r of remaining) r.isLatest = r.version === maxByStep.get(r.stepName);
  }

  replaceName(key: CatalogNameKey, rows: readonly CatalogRow[]): void {
    const prefix = `${nameKey(key)}\0`;
    for (const k of [...this.rows.keys()]) if (k.startsWith(prefix)) this.rows.delete(k);
    for (const row of rows) this.put(row);
  }

  async replaceNamespace(namespace: string, batches: AsyncIterable<readonly CatalogRow[]>): Promise<void> {
    const rows: CatalogRow[] = [];
    for await (const batch of batches) rows.push(...batch);
    this.replaceRows(namespace, rows);
    this.populated.add(namespace);
    this.foreignPulled.delete(namespace);
  }

  replaceForeign(namespace: string, rows: readonly CatalogRow[], pulledAt: string): void {
    this.replaceRows(
      namespace,
      rows.map((row) => ({ ...row, namespace })),
    );
    this.populated.delete(namespace);
    this.foreignPulled.set(namespace, pulledAt);
  }

  private replaceRows(namespace: string, rows: readonly CatalogRow[]): void {
    for (const [key, { row }] of this.rows) if (row.namespace === namespace) this.rows.delete(key);
    for (const row of rows) this.put(row);
  }

  scan(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<CatalogRow> {
    return this.page(filter, after, limit, (_, row) => copyOf(row));
  }

  scanKept(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<KeptRow> {
    return this.page(filter, after, limit, (_, row, kept) => ({
      row: copyOf(row),
      content: kept?.slice() ?? null,
    }));
  }

  scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    fields: readonly F[],
    after: CatalogCursor | null,
    limit: number,
  ): CatalogPage<CatalogSlice<F>> {
    return this.page(filter, after, limit, (seq, row) => {
      const slice: Record<string, unknown> = { handle: handleAt(seq) };
      for (const field of fields)
        slice[field] = MAP_FIELDS.has(field) ? { ...(row[field] as object) } : row[field];
      return slice as CatalogSlice<F>;
    });
  }

  private page<R>(
    filter: CatalogFilter,
    after: CatalogCursor | null,
    limit: number,
    copy: (seq: number, row: CatalogRow, kept: Uint8Array | null) => R,
  ): CatalogPage<R> {
    const rows: R[] = [];
    const from = after === null ? 0 : seqOf(after);
    let last = 0;
    for (const { seq, row, kept } of this.rows.values()) {
      if (seq <= from) continue;
      if (!matchesCatalogFilter(seq, row, filter)) continue;
      if (rows.length === limit) return { rows, next: cursorAt(last) };
      rows.push(copy(seq, row, kept));
      last = seq;
    }
    return { rows, next: null };
  }

  isPopulated(namespace: string): boolean {
    return this.populated.has(namespace);
  }

  foreignPulledAt(namespace: string): string | null {
    return this.foreignPulled.get(namespace) ?? null;
  }

  changeCursor(namespace: string): string | null {
    return this.cursors.get(namespace) ?? null;
  }

  setChangeCursor(namespace: string, cursor: string): void {
    this.cursors.set(namespace, cursor);
  }

  compact(): CompactionStats {
    return { logEntries: 0, logEntriesFolded: 0, bytesReclaimed: 0 };
  }

  close(): void {}
}
