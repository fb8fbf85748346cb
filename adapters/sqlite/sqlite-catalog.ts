import type { Database, SQLQueryBindings } from "bun:sqlite";
import { SwampError } from "../../core/errors.ts";
import type {
  Catalog,
  CatalogCursor,
  CatalogFilter,
  CatalogNameKey,
  CatalogPage,
  CatalogRow,
  CatalogSlice,
  CatalogVersionKey,
  CompactionStats,
  KeptRow,
} from "../../core/ports/catalog.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import { dirname } from "../fs/paths.ts";
import { systemClock } from "../system/system-clock.ts";
import { CatalogBulkLoad, type LoadMarks } from "./catalog-bulk-load.ts";
import {
  connect,
  ensureFolder,
  inodeNow,
  inodeOf,
  isBusy,
  isCorrupt,
  moveAside,
} from "./catalog-connection.ts";
import { ALL_COLUMNS, columnsOf, fromValues, INSERT, sliceDecoder, toBindings } from "./catalog-row-codec.ts";
import { changeCursorKey, foreignPulledKey, KEPT_CONTENT_COLUMN, populatedKey } from "./catalog-schema.ts";

export { CATALOG_SCHEMA_VERSION } from "./catalog-schema.ts";

const OPEN_ATTEMPTS = 5;

const NAME_WHERE = "namespace = ? AND type_normalized = ? AND model_id = ? AND data_name = ?";

// Every step of a name keeps its own latest: the highest remaining version of that step.
const RECOMPUTE_LATEST = `UPDATE catalog SET is_latest = (version = (SELECT MAX(c.version) FROM catalog c
  WHERE c.namespace = catalog.namespace AND c.type_normalized = catalog.type_normalized
    AND c.model_id = catalog.model_id AND c.data_name = catalog.data_name AND c.step_name = catalog.step_name))
  WHERE ${NAME_WHERE}`;

type SqlValue = string | number;

/** `INSERT` with the row's kept content as one more binding. */
const INSERT_KEPT = `INSERT OR REPLACE INTO catalog (${ALL_COLUMNS}, ${KEPT_CONTENT_COLUMN})
  VALUES (${ALL_COLUMNS.split(", ")
    .map(() => "?")
    .join(", ")}, ?)`;

/** Kept content lands only on the row as it was read: a version rewritten since is another row. */
const KEEP = `UPDATE catalog SET ${KEPT_CONTENT_COLUMN} = ?
  WHERE ${NAME_WHERE} AND version = ? AND id = ? AND created_at = ? AND size = ?`;

/** Cursors and row handles are rowids: scans go in rowid order, and a rewritten row gets a new one. */
const rowidOf = (cursor: CatalogCursor | null): number => (cursor as unknown as number | null) ?? 0;
const cursorAt = (rowid: number) => rowid as unknown as CatalogCursor;

const nameBindings = (key: CatalogNameKey) => [key.namespace, key.type, key.id, key.name];

function whereClause(f: CatalogFilter): { sql: string; params: SQLQueryBindings[] } {
  const clauses: string[] = [];
  const params: SQLQueryBindings[] = [];
  const eq = (column: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(`${column} = ?`);
    params.push(value);
  };
  if (f.latestOnly) clauses.push("is_latest = 1");
  eq("model_name", f.modelName);
  eq("namespace", f.namespace);
  eq("data_name", f.dataName);
  eq("type_normalized", f.typeNormalized);
  eq("model_id", f.modelId);
  eq("version", f.version);
  eq("spec_name", f.specName);
  if (f.tag) {
    clauses.push("EXISTS (SELECT 1 FROM json_each(catalog.tags) t WHERE t.key = ? AND t.value = ?)");
    params.push(f.tag.key, f.tag.value);
  }
  if (f.handles) {
    // One bound JSON array keeps the statement text (and its cached plan) the same for any count.
    clauses.push("rowid IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(f.handles));
  }
  return { sql: clauses.length ? clauses.join(" AND ") : "1", params };
}

/** At most `limit` decoded rows of `found` (fetched with `limit + 1`), and the cursor past them. */
function toPage<R>(found: SqlValue[][], limit: number, decode: (v: SqlValue[]) => R): CatalogPage<R> {
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page.map(decode), next: found.length > limit && last ? cursorAt(last[0] as number) : null };
}

function rebuiltNotice(dbPath: string, e: unknown, movedTo: string | null): string {
  const why = (e as Error).message.replace(/\s+/g, " ").slice(0, 200);
  const what = movedTo === null ? "another swamp process replaced it" : `moved it to ${movedTo}`;
  return `The catalog ${dbPath} was unreadable (${why}); ${what} and started an empty one, rebuilt on the next query.`;
}

export interface SqliteCatalogOptions {
  clock?: Pick<Clock, "now" | "sleep">;
  random?: Random;
  /** Told, in one line, whenever a damaged catalog is replaced by an empty one (at open or later). */
  onRebuilt?: (notice: string) => void;
}

/**
 * The catalog in `{repo}/.swamp/data/_catalog.db` (docs/architecture.md, "Catalog"), one connection
 * per process. A damaged file is never fatal: the statement that finds it moves it aside to
 * `<db>.corrupt-<time>`, starts an empty, unpopulated catalog and runs once more on that.
 */
export class SqliteCatalog implements Catalog {
  readonly #path: string;
  readonly #clock: Pick<Clock, "now">;
  readonly #onRebuilt: ((notice: string) => void) | undefined;
  #db: Database;
  /** The file this connection opened: only that one may be moved aside. */
  #inode: number | undefined;
  #rebuiltReason: string | null = null;

  private constructor(path: string, db: Database, inode: number | undefined, options: SqliteCatalogOptions) {
    this.#path = path;
    this.#db = db;
    this.#inode = inode;
    this.#clock = options.clock ?? systemClock;
    this.#onRebuilt = options.onRebuilt;
  }

  /** Set once the file was unreadable and replaced by an empty catalog: a one-line notice for the user. */
  get rebuiltReason(): string | null {
    return this.#rebuiltReason;
  }

  /** Opens (creating if needed) the catalog, retrying while another process holds it locked. */
  static async open(dbPath: string, options: SqliteCatalogOptions = {}): Promise<SqliteCatalog> {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    await ensureFolder(dirname(dbPath));
    for (let attempt = 1; ; attempt++) {
      const inode = await inodeOf(dbPath);
      try {
        const db = connect(dbPath);
        return new SqliteCatalog(dbPath, db, await inodeOf(dbPath), options);
      } catch (e) {
        if (isBusy(e) && attempt < OPEN_ATTEMPTS) {
          await clock.sleep(100 * 2 ** (attempt - 1) + random() * 100);
          continue;
        }
        if (isBusy(e)) {
          throw new SwampError(
            "lock_timeout",
            `The catalog ${dbPath} stayed locked by another swamp process (${(e as Error).message}). Wait for it to finish and retry.`,
          );
        }
        if (!isCorrupt(e)) throw e;
        // Another process may have replaced the corrupt file already: only move aside the file we saw.
        if ((await inodeOf(dbPath)) !== inode && attempt < OPEN_ATTEMPTS) continue;
        const movedTo = moveAside(dbPath, clock.now());
        const db = connect(dbPath);
        const catalog = new SqliteCatalog(dbPath, db, await inodeOf(dbPath), options);
        catalog.#rebuilt(rebuiltNotice(dbPath, e, movedTo));
        return catalog;
      }
    }
  }

  addVersion(row: CatalogRow, content?: Uint8Array | null): void {
    this.#guard((db) =>
      db
        .transaction(() => {
          db.query(
            `UPDATE catalog SET is_latest = 0 WHERE ${NAME_WHERE} AND step_name = ? AND is_latest = 1`,
          ).run(row.namespace, row.typeNormalized, row.modelId, row.dataName, row.stepName);
          db.query(INSERT_KEPT).run(...toBindings(row, true), content ?? null);
        })
        .immediate(),
    );
  }

  keepContent(entries: readonly KeptRow[]): void {
    const kept = entries.filter((entry) => entry.content !== null);
    if (kept.length === 0) return;
    try {
      this.#guard((db) =>
        db
          .transaction(() => {
            const keep = db.query(KEEP);
            for (const { row, content } of kept) {
              keep.run(
                content,
                row.namespace,
                row.typeNormalized,
                row.modelId,
                row.dataName,
                row.version,
                row.id,
                row.createdAt,
                row.size,
              );
            }
          })
          .immediate(),
      );
    } catch (e) {
      // Another writer held the catalog past the busy timeout: the next query keeps it instead.
      if (!isBusy(e)) throw e;
    }
  }

  removeVersion(key: CatalogVersionKey): void {
    this.#guard((db) =>
      db
        .transaction(() => {
          db.query(`DELETE FROM catalog WHERE ${NAME_WHERE} AND version = ?`).run(
            ...nameBindings(key),
            key.version,
          );
          db.query(RECOMPUTE_LATEST).run(...nameBindings(key));
        })
        .immediate(),
    );
  }

  replaceName(key: CatalogNameKey, rows: readonly CatalogRow[]): void {
    this.#guard((db) =>
      db
        .transaction(() => {
          db.query(`DELETE FROM catalog WHERE ${NAME_WHERE}`).run(...nameBindings(key));
          const insert = db.query(INSERT);
          for (const row of rows) insert.run(...toBindings(row, row.isLatest));
        })
        .immediate(),
    );
  }

  replaceNamespace(namespace: string, batches: AsyncIterable<readonly CatalogRow[]>): Promise<void> {
    return this.#load(namespace, batches, {
      set: [[populatedKey(namespace), "true"]],
      unset: [foreignPulledKey(namespace)],
    });
  }

  replaceForeign(namespace: string, rows: readonly CatalogRow[], pulledAt: string): void {
    const stamped = rows.map((row) => (row.namespace === namespace ? row : { ...row, namespace }));
    const marks = {
      set: [[foreignPulledKey(namespace), pulledAt]] as const,
      unset: [populatedKey(namespace)],
    };
    this.#guard((db) => {
      const load = CatalogBulkLoad.begin(db, namespace, marks);
      try {
        load.add(stamped);
        load.commit();
      } catch (e) {
        load.abort();
        throw e;
      }
    });
  }

  async #load(
    namespace: string,
    batches: AsyncIterable<readonly CatalogRow[]>,
    marks: LoadMarks,
  ): Promise<void> {
    // Everything so far, to load again should the file turn out damaged midway.
    const loaded: CatalogRow[] = [];
    let load = this.#guard((db) => CatalogBulkLoad.begin(db, namespace, marks));
    const restartOnDamage = (e: unknown) => {
      if (!isCorrupt(e)) throw e;
      load.abort();
      this.#recover(e);
      load = CatalogBulkLoad.begin(this.#db, namespace, marks);
      load.add(loaded);
    };
    try {
      for await (const rows of batches) {
        for (const row of rows) loaded.push(row);
        try {
          load.add(rows);
        } catch (e) {
          restartOnDamage(e);
        }
      }
      try {
        load.commit();
      } catch (e) {
        restartOnDamage(e);
        load.commit();
      }
    } catch (e) {
      load.abort();
      throw e;
    }
  }

  scan(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<CatalogRow> {
    return this.#guard((db) => {
      const where = whereClause(filter);
      const found = db
        .query(
          `SELECT rowid, ${ALL_COLUMNS} FROM catalog WHERE ${where.sql} AND rowid > ? ORDER BY rowid LIMIT ?`,
        )
        .values(...where.params, rowidOf(after), limit + 1) as SqlValue[][];
      return toPage(found, limit, fromValues);
    });
  }

  scanKept(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<KeptRow> {
    return this.#guard((db) => {
      const where = whereClause(filter);
      const found = db
        .query(
          `SELECT rowid, ${ALL_COLUMNS}, ${KEPT_CONTENT_COLUMN} FROM catalog WHERE ${where.sql} AND rowid > ? ORDER BY rowid LIMIT ?`,
        )
        .values(...where.params, rowidOf(after), limit + 1) as SqlValue[][];
      return toPage(found, limit, (v) => ({
        row: fromValues(v),
        content: (v[v.length - 1] as unknown as Uint8Array | null) ?? null,
      }));
    });
  }

  scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    fields: readonly F[],
    after: CatalogCursor | null,
    limit: number,
  ): CatalogPage<CatalogSlice<F>> {
    return this.#guard((db) => {
      const where = whereClause(filter);
      const columns = fields.length ? `, ${columnsOf(fields)}` : "";
      const found = db
        .query(`SELECT rowid${columns} FROM catalog WHERE ${where.sql} AND rowid > ? ORDER BY rowid LIMIT ?`)
        .values(...where.params, rowidOf(after), limit + 1) as SqlValue[][];
      return toPage(found, limit, sliceDecoder(fields));
    });
  }

  foreignPulledAt(namespace: string): string | null {
    return this.#meta(foreignPulledKey(namespace));
  }

  isPopulated(namespace: string): boolean {
    return this.#meta(populatedKey(namespace)) === "true";
  }

  changeCursor(namespace: string): string | null {
    return this.#meta(changeCursorKey(namespace));
  }

  setChangeCursor(namespace: string, cursor: string): void {
    this.#guard((db) =>
      db
        .query("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES (?, ?)")
        .run(changeCursorKey(namespace), cursor),
    );
  }

  #meta(key: string): string | null {
    return this.#guard((db) => {
      const row = db.query("SELECT value FROM catalog_meta WHERE key = ?").get(key) as {
        value: string;
      } | null;
      return row?.value ?? null;
    });
  }

  /** A WAL checkpoint and a VACUUM: the log entries are the WAL's pages. */
  compact(): CompactionStats {
    return this.#guard((db) => {
      const bytes = () => {
        const { page_count } = db.query("PRAGMA page_count").get() as { page_count: number };
        const { page_size } = db.query("PRAGMA page_size").get() as { page_size: number };
        return page_count * page_size;
      };
      const before = bytes();
      const checkpoint = db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as {
        log: number;
        checkpointed: number;
      };
      db.run("VACUUM");
      // VACUUM rewrites the whole database through the WAL; fold it back so the -wal file stays small.
      db.query("PRAGMA wal_checkpoint(TRUNCATE)").get();
      return {
        logEntries: Math.max(checkpoint.log, 0),
        logEntriesFolded: Math.max(checkpoint.checkpointed, 0),
        bytesReclaimed: Math.max(before - bytes(), 0),
      };
    });
  }

  close(): void {
    this.#db.close();
  }

  /** Runs `operation`; if it finds the file damaged, recovers and runs it once more on the empty catalog. */
  #guard<T>(operation: (db: Database) => T): T {
    try {
      return operation(this.#db);
    } catch (e) {
      if (!isCorrupt(e)) throw e;
      this.#recover(e);
      return operation(this.#db);
    }
  }

  #recover(e: unknown): void {
    this.#db.close();
    // Another process may have replaced the damaged file already: only move aside the one we opened.
    const movedTo = inodeNow(this.#path) === this.#inode ? moveAside(this.#path, this.#clock.now()) : null;
    this.#db = connect(this.#path);
    this.#inode = inodeNow(this.#path);
    this.#rebuilt(rebuiltNotice(this.#path, e, movedTo));
  }

  #rebuilt(notice: string): void {
    this.#rebuiltReason = notice;
    this.#onRebuilt?.(notice);
  }
}
