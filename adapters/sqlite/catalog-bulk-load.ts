import type { Database, Statement } from "bun:sqlite";
import type { CatalogRow } from "../../core/ports/catalog.ts";
import { SYNCHRONOUS } from "./catalog-connection.ts";
import { INSERT, toBindings } from "./catalog-row-codec.ts";
import { createSecondaryIndexes, dropSecondaryIndexes } from "./catalog-schema.ts";

/** From this many rows on, a load into a table no larger than it rebuilds the indexes afterwards. */
const REINDEX_MIN_ROWS = 5000;
/** Rows ANALYZE samples per index after a rebuild: enough for the planner, cheap at any size. */
const ANALYSIS_LIMIT = 1000;

/** The `catalog_meta` entries a load's commit writes (`set`) and removes (`unset`) with its rows. */
export interface LoadMarks {
  set: readonly (readonly [key: string, value: string])[];
  unset: readonly string[];
}

/**
 * The rows that replace one namespace's, in one write transaction, as they come. Once the load is
 * as large as the table it started on (and not small), the secondary indexes are dropped and built
 * again at the commit: several times faster than keeping them up to date row by row. Until then
 * rows wait in memory.
 */
export class CatalogBulkLoad {
  readonly #db: Database;
  readonly #insert: Statement;
  readonly #reindexFrom: number;
  readonly #marks: LoadMarks;
  #pending: CatalogRow[] = [];
  #reindex = false;

  private constructor(db: Database, marks: LoadMarks, reindexFrom: number) {
    this.#db = db;
    this.#marks = marks;
    this.#insert = db.query(INSERT);
    this.#reindexFrom = reindexFrom;
  }

  /** Starts the load of the rows that replace `namespace`'s: its rows are deleted first, inside it. */
  static begin(db: Database, namespace: string, marks: LoadMarks): CatalogBulkLoad {
    // A bulk load is a backfill, and the catalog a rebuildable index: its commit need not wait for
    // the disk. A crash before the commit leaves it unpopulated; after, at worst damaged, and rebuilt.
    db.run("PRAGMA synchronous = OFF");
    let remaining: number;
    let reindex = false;
    try {
      db.run("BEGIN IMMEDIATE");
      const count = (sql: string, ...params: string[]) => (db.query(sql).get(...params) as { n: number }).n;
      const total = count("SELECT COUNT(*) AS n FROM catalog");
      const replaced = count("SELECT COUNT(*) AS n FROM catalog WHERE namespace = ?", namespace);
      // Deleting most of a large table is several times faster without its secondary indexes too.
      if (replaced >= REINDEX_MIN_ROWS && replaced * 2 >= total) {
        dropSecondaryIndexes(db);
        reindex = true;
      }
      db.query("DELETE FROM catalog WHERE namespace = ?").run(namespace);
      remaining = total - replaced;
    } catch (e) {
      if (db.inTransaction) db.run("ROLLBACK");
      db.run(`PRAGMA synchronous = ${SYNCHRONOUS}`);
      throw e;
    }
    const load = new CatalogBulkLoad(db, marks, Math.max(remaining, REINDEX_MIN_ROWS));
    load.#reindex = reindex;
    return load;
  }

  add(rows: readonly CatalogRow[]): void {
    if (this.#reindex) {
      this.#write(rows);
      return;
    }
    for (const row of rows) this.#pending.push(row);
    if (this.#pending.length < this.#reindexFrom) return;
    dropSecondaryIndexes(this.#db);
    this.#reindex = true;
    this.#flush();
  }

  /** Commits the rows, and with them the load's marks. */
  commit(): void {
    this.#flush();
    if (this.#reindex) createSecondaryIndexes(this.#db);
    const set = this.#db.query("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES (?, ?)");
    for (const [key, value] of this.#marks.set) set.run(key, value);
    const unset = this.#db.query("DELETE FROM catalog_meta WHERE key = ?");
    for (const key of this.#marks.unset) unset.run(key);
    this.#db.run("COMMIT");
    this.#db.run(`PRAGMA synchronous = ${SYNCHRONOUS}`);
    if (this.#reindex) {
      this.#db.run(`PRAGMA analysis_limit = ${ANALYSIS_LIMIT}`);
      this.#db.run("PRAGMA optimize = 0x10002");
    }
  }

  /** Rolls back what is not committed; safe to call after a failed commit or on a finished load. */
  abort(): void {
    if (this.#db.inTransaction) this.#db.run("ROLLBACK");
    this.#db.run(`PRAGMA synchronous = ${SYNCHRONOUS}`);
  }

  #flush(): void {
    this.#write(this.#pending);
    this.#pending = [];
  }

  #write(rows: readonly CatalogRow[]): void {
    for (const row of rows) this.#insert.run(...toBindings(row, row.isLatest));
  }
}
