import { Database, type SQLQueryBindings } from "bun:sqlite";
import { existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { SwampError } from "../../core/errors.ts";
import type { Catalog, CatalogFilter, CatalogPage, CatalogRow } from "../../core/ports/catalog.ts";
import type { Clock, Random } from "../../core/ports/clock.ts";
import { systemClock } from "../system/system-clock.ts";

export const CATALOG_SCHEMA_VERSION = "4";

const OPEN_ATTEMPTS = 5;

const TEXT = "TEXT NOT NULL DEFAULT ''";
const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog (
  namespace ${TEXT},
  type_normalized TEXT NOT NULL,
  model_id TEXT NOT NULL,
  data_name TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  is_latest INTEGER NOT NULL DEFAULT 1,
  model_name TEXT NOT NULL,
  spec_name ${TEXT},
  data_type ${TEXT},
  content_type ${TEXT},
  lifetime ${TEXT},
  owner_type ${TEXT},
  streaming INTEGER NOT NULL DEFAULT 0,
  size INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}',
  owner_ref ${TEXT},
  workflow_run_id ${TEXT},
  workflow_name ${TEXT},
  job_name ${TEXT},
  step_name ${TEXT},
  source ${TEXT},
  PRIMARY KEY (namespace, type_normalized, model_id, data_name, version)
);
CREATE INDEX IF NOT EXISTS idx_catalog_model_name ON catalog (model_name);
CREATE INDEX IF NOT EXISTS idx_catalog_spec_name ON catalog (spec_name);
CREATE INDEX IF NOT EXISTS idx_catalog_data_type ON catalog (data_type);
CREATE INDEX IF NOT EXISTS idx_catalog_created_at ON catalog (created_at);
CREATE INDEX IF NOT EXISTS idx_catalog_workflow_run_id ON catalog (workflow_run_id);
CREATE INDEX IF NOT EXISTS idx_catalog_step_name ON catalog (step_name);
CREATE INDEX IF NOT EXISTS idx_catalog_namespace ON catalog (namespace);
CREATE INDEX IF NOT EXISTS idx_catalog_name_latest ON catalog (namespace, type_normalized, model_id, data_name, is_latest);
CREATE INDEX IF NOT EXISTS idx_catalog_latest_lookup ON catalog (model_name, data_name, is_latest, namespace);
`;

const INSERT = `INSERT OR REPLACE INTO catalog (namespace, type_normalized, model_id, data_name, id, version,
  is_latest, model_name, spec_name, data_type, content_type, lifetime, owner_type, streaming, size, created_at,
  tags, owner_ref, workflow_run_id, workflow_name, job_name, step_name, source)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const NAME_WHERE = "namespace = ? AND type_normalized = ? AND model_id = ? AND data_name = ?";

// Every step of a name keeps its own latest: the highest remaining version of that step.
const RECOMPUTE_LATEST = `UPDATE catalog SET is_latest = (version = (SELECT MAX(c.version) FROM catalog c
  WHERE c.namespace = catalog.namespace AND c.type_normalized = catalog.type_normalized
    AND c.model_id = catalog.model_id AND c.data_name = catalog.data_name AND c.step_name = catalog.step_name))
  WHERE ${NAME_WHERE}`;

interface DbRow {
  rowid: number;
  namespace: string;
  type_normalized: string;
  model_id: string;
  data_name: string;
  id: string;
  version: number;
  is_latest: number;
  model_name: string;
  spec_name: string;
  data_type: string;
  content_type: string;
  lifetime: string;
  owner_type: string;
  streaming: number;
  size: number;
  created_at: string;
  tags: string;
  owner_ref: string;
  workflow_run_id: string;
  workflow_name: string;
  job_name: string;
  step_name: string;
  source: string;
}

const toBindings = (r: CatalogRow, isLatest: boolean): SQLQueryBindings[] => [
  r.namespace,
  r.typeNormalized,
  r.modelId,
  r.dataName,
  r.id,
  r.version,
  isLatest ? 1 : 0,
  r.modelName,
  r.specName,
  r.dataType,
  r.contentType,
  r.lifetime,
  r.ownerType,
  r.streaming ? 1 : 0,
  r.size,
  r.createdAt,
  JSON.stringify(r.tags),
  r.ownerRef,
  r.workflowRunId,
  r.workflowName,
  r.jobName,
  r.stepName,
  r.source,
];

const fromDb = (r: DbRow): CatalogRow => ({
  namespace: r.namespace,
  typeNormalized: r.type_normalized,
  modelId: r.model_id,
  dataName: r.data_name,
  id: r.id,
  version: r.version,
  isLatest: r.is_latest === 1,
  modelName: r.model_name,
  specName: r.spec_name,
  dataType: r.data_type,
  contentType: r.content_type,
  lifetime: r.lifetime,
  ownerType: r.owner_type,
  streaming: r.streaming === 1,
  size: r.size,
  createdAt: r.created_at,
  tags: JSON.parse(r.tags) as Record<string, string>,
  ownerRef: r.owner_ref,
  workflowRunId: r.workflow_run_id,
  workflowName: r.workflow_name,
  jobName: r.job_name,
  stepName: r.step_name,
  source: r.source,
});

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
  return { sql: clauses.length ? clauses.join(" AND ") : "1", params };
}

class CorruptCatalogError extends Error {}

const errorCode = (e: unknown) => (e instanceof Error ? (e as Error & { code?: unknown }).code : undefined);
const isBusy = (e: unknown) => errorCode(e) === "SQLITE_BUSY" || errorCode(e) === "SQLITE_LOCKED";
const isCorrupt = (e: unknown) =>
  e instanceof CorruptCatalogError || errorCode(e) === "SQLITE_CORRUPT" || errorCode(e) === "SQLITE_NOTADB";

function connect(dbPath: string): Database {
  const db = new Database(dbPath, { create: true });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const { journal_mode } = db.query("PRAGMA journal_mode").get() as { journal_mode: string };
    if (journal_mode.toLowerCase() !== "wal") db.query("PRAGMA journal_mode = WAL").get();
    // The catalog is a rebuildable index: losing the last commits on power loss is acceptable.
    db.run("PRAGMA synchronous = NORMAL");
    const check = db.query("PRAGMA quick_check").all() as { quick_check: string }[];
    if (check.length !== 1 || check[0]?.quick_check !== "ok") {
      throw new CorruptCatalogError(check.map((r) => r.quick_check).join("; "));
    }
    db.transaction(() => {
      db.run("CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      const version = db.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get() as {
        value: string;
      } | null;
      if (version?.value !== CATALOG_SCHEMA_VERSION) {
        // Older layouts are dropped and backfilled lazily; foreign rows must be pulled again.
        db.run("DROP TABLE IF EXISTS catalog");
        db.run("DELETE FROM catalog_meta");
        db.query("INSERT INTO catalog_meta (key, value) VALUES ('schema_version', ?)").run(
          CATALOG_SCHEMA_VERSION,
        );
      }
      db.run(SCHEMA);
    }).immediate();
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function moveAside(dbPath: string, now: number): string {
  const target = `${dbPath}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
  renameSync(dbPath, target);
  for (const suffix of ["-wal", "-shm"]) {
    if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, target + suffix);
  }
  return target;
}

export interface SqliteCatalogOptions {
  clock?: Pick<Clock, "now" | "sleep">;
  random?: Random;
}

/** The catalog in `{repo}/.swamp/data/_catalog.db` (SPEC §7), one connection per process. */
export class SqliteCatalog implements Catalog {
  /** Set when the file was unreadable and replaced by an empty catalog: a one-line notice for the user. */
  readonly rebuiltReason: string | null;
  private readonly db: Database;

  private constructor(db: Database, rebuiltReason: string | null) {
    this.db = db;
    this.rebuiltReason = rebuiltReason;
  }

  /**
   * Opens (creating if needed) the catalog. Retries while another process holds the database
   * locked; a corrupt file is moved aside to `<db>.corrupt-<time>` and replaced by an empty catalog.
   */
  static async open(dbPath: string, options: SqliteCatalogOptions = {}): Promise<SqliteCatalog> {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? Math.random;
    mkdirSync(dirname(dbPath), { recursive: true });
    for (let attempt = 1; ; attempt++) {
      const inode = statSync(dbPath, { throwIfNoEntry: false })?.ino;
      try {
        return new SqliteCatalog(connect(dbPath), null);
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
        if (statSync(dbPath, { throwIfNoEntry: false })?.ino !== inode && attempt < OPEN_ATTEMPTS) continue;
        const movedTo = moveAside(dbPath, clock.now());
        const why = (e as Error).message.replace(/\s+/g, " ").slice(0, 200);
        const reason = `The catalog ${dbPath} was unreadable (${why}); moved it to ${movedTo} and started an empty one, rebuilt on the next query.`;
        return new SqliteCatalog(connect(dbPath), reason);
      }
    }
  }

  upsertNewVersion(row: CatalogRow): void {
    this.db
      .transaction(() => {
        this.db
          .query(`UPDATE catalog SET is_latest = 0 WHERE ${NAME_WHERE} AND step_name = ? AND is_latest = 1`)
          .run(row.namespace, row.typeNormalized, row.modelId, row.dataName, row.stepName);
        this.db.query(INSERT).run(...toBindings(row, true));
      })
      .immediate();
  }

  removeName(namespace: string, typeNormalized: string, modelId: string, dataName: string): void {
    this.db
      .transaction(() => {
        this.db
          .query(`DELETE FROM catalog WHERE ${NAME_WHERE}`)
          .run(namespace, typeNormalized, modelId, dataName);
      })
      .immediate();
  }

  removeVersion(
    namespace: string,
    typeNormalized: string,
    modelId: string,
    dataName: string,
    version: number,
  ): void {
    this.db
      .transaction(() => {
        this.db
          .query(`DELETE FROM catalog WHERE ${NAME_WHERE} AND version = ?`)
          .run(namespace, typeNormalized, modelId, dataName, version);
        this.db.query(RECOMPUTE_LATEST).run(namespace, typeNormalized, modelId, dataName);
      })
      .immediate();
  }

  bulkUpsert(rows: CatalogRow[]): void {
    const insert = this.db.query(INSERT);
    this.db
      .transaction(() => {
        for (const row of rows) insert.run(...toBindings(row, row.isLatest));
      })
      .immediate();
  }

  scan(filter: CatalogFilter, afterRowid: number | null, limit: number): CatalogPage {
    const where = whereClause(filter);
    const found = this.db
      .query(`SELECT rowid, * FROM catalog WHERE ${where.sql} AND rowid > ? ORDER BY rowid LIMIT ?`)
      .all(...where.params, afterRowid ?? 0, limit + 1) as DbRow[];
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page.map(fromDb), nextRowid: found.length > limit && last ? last.rowid : null };
  }

  count(filter: CatalogFilter): number {
    const where = whereClause(filter);
    const { n } = this.db
      .query(`SELECT COUNT(*) AS n FROM catalog WHERE ${where.sql}`)
      .get(...where.params) as {
      n: number;
    };
    return n;
  }

  isPopulated(): boolean {
    const row = this.db.query("SELECT value FROM catalog_meta WHERE key = 'populated'").get() as {
      value: string;
    } | null;
    return row?.value === "true";
  }

  markPopulated(): void {
    this.db.run("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES ('populated', 'true')");
  }

  invalidate(): void {
    this.db.run("DELETE FROM catalog_meta WHERE key = 'populated'");
  }

  compact() {
    const bytes = () => {
      const { page_count } = this.db.query("PRAGMA page_count").get() as { page_count: number };
      const { page_size } = this.db.query("PRAGMA page_size").get() as { page_size: number };
      return page_count * page_size;
    };
    const before = bytes();
    const checkpoint = this.db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as {
      log: number;
      checkpointed: number;
    };
    this.db.run("VACUUM");
    // VACUUM rewrites the whole database through the WAL; fold it back so the -wal file stays small.
    this.db.query("PRAGMA wal_checkpoint(TRUNCATE)").get();
    return {
      walPagesTotal: Math.max(checkpoint.log, 0),
      walPagesCheckpointed: Math.max(checkpoint.checkpointed, 0),
      dbBytesReclaimed: Math.max(before - bytes(), 0),
    };
  }

  close(): void {
    this.db.close();
  }
}
