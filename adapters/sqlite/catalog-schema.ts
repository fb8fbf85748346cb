import type { Database } from "bun:sqlite";
import { COLUMN_DEFINITIONS } from "./catalog-row-codec.ts";

export const CATALOG_SCHEMA_VERSION = "6";
/**
 * Version 4 had one `populated` mark and one change cursor for the whole catalog; version 5 keeps
 * them per namespace (`populated:{ns}`, `change_cursor:{ns}`). A version 4 catalog keeps its rows
 * and loses the two marks: every namespace is then unpopulated, and each is backfilled on its
 * repo's next read. Version 6 adds the kept content (KEPT_CONTENT_COLUMN), empty in the rows of an
 * older catalog until a query reads them.
 */
const RETIRED_META_KEYS = ["populated", "change_cursor"];

/** The column holding a row's kept content (docs/architecture.md, "Kept content"); not a catalog column. */
export const KEPT_CONTENT_COLUMN = "kept_content";

/** The `catalog_meta` key marking `namespace` as populated by a rebuild. */
export const populatedKey = (namespace: string) => `populated:${namespace}`;
/** The `catalog_meta` key holding when `namespace`'s rows were last replaced by its published catalog. */
export const foreignPulledKey = (namespace: string) => `foreign_pulled:${namespace}`;
/** The `catalog_meta` key holding how far the catalog has followed `namespace`'s change feed. */
export const changeCursorKey = (namespace: string) => `change_cursor:${namespace}`;

/**
 * The catalog table: the columns of core/catalog-columns.ts in their order, then the primary key.
 * Existing catalogs keep the table they were created with: a change to the columns needs a new
 * CATALOG_SCHEMA_VERSION.
 */
const TABLE = `
CREATE TABLE IF NOT EXISTS catalog (
  ${COLUMN_DEFINITIONS.join(",\n  ")},
  ${KEPT_CONTENT_COLUMN} BLOB,
  PRIMARY KEY (namespace, type_normalized, model_id, data_name, version)
)`;

/**
 * The indexes besides the primary key: those a statement uses, plus one for `data list`
 * (docs/architecture.md, "Catalog"). Single-column ones on data_type, created_at, workflow_run_id
 * and step_name are left out (older builds made them; see RETIRED_INDEXES): no filter reads those
 * columns, and building them was a sixth of a 100k-row backfill.
 */
const SECONDARY_INDEXES: Record<string, string> = {
  idx_catalog_model_name: "model_name",
  idx_catalog_spec_name: "spec_name",
  idx_catalog_namespace: "namespace",
  idx_catalog_name_latest: "namespace, type_normalized, model_id, data_name, is_latest",
  idx_catalog_latest_lookup: "model_name, data_name, is_latest, namespace",
  // One model's latest rows in rowid order (`data list`), without walking the whole namespace.
  idx_catalog_model_latest: "namespace, type_normalized, model_id, is_latest",
};
const INDEX_NAMES = Object.keys(SECONDARY_INDEXES);
/** Indexes older builds created: dropped when found, so that no write keeps them up to date. */
const RETIRED_INDEXES = [
  "idx_catalog_data_type",
  "idx_catalog_created_at",
  "idx_catalog_workflow_run_id",
  "idx_catalog_step_name",
];

export function createSecondaryIndexes(db: Database): void {
  for (const [name, columns] of Object.entries(SECONDARY_INDEXES)) {
    db.run(`CREATE INDEX IF NOT EXISTS ${name} ON catalog (${columns})`);
  }
}

export function dropSecondaryIndexes(db: Database): void {
  for (const name of INDEX_NAMES) db.run(`DROP INDEX IF EXISTS ${name}`);
}

/** True when the tables, every index and this schema version are in place: a read, no write lock. */
function isCurrent(db: Database): boolean {
  const names = new Set(
    (db.query("SELECT name FROM sqlite_master").values() as [string][]).map(([name]) => name),
  );
  if (
    !names.has("catalog_meta") ||
    !names.has("catalog") ||
    INDEX_NAMES.some((n) => !names.has(n)) ||
    RETIRED_INDEXES.some((n) => names.has(n))
  ) {
    return false;
  }
  const row = db.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get() as {
    value: string;
  } | null;
  return row?.value === CATALOG_SCHEMA_VERSION;
}

/**
 * Creates or upgrades the schema. Most opens find it current and take no write lock, so a reader
 * never waits behind another process's long backfill.
 */
export function ensureSchema(db: Database): void {
  if (isCurrent(db)) return;
  db.transaction(() => {
    db.run("CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    const version = db.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get() as {
      value: string;
    } | null;
    if (version?.value === "4" || version?.value === "5") {
      if (version.value === "4") {
        for (const key of RETIRED_META_KEYS) db.query("DELETE FROM catalog_meta WHERE key = ?").run(key);
      }
      const table = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'catalog'").get();
      if (table !== null) db.run(`ALTER TABLE catalog ADD COLUMN ${KEPT_CONTENT_COLUMN} BLOB`);
      db.query("UPDATE catalog_meta SET value = ? WHERE key = 'schema_version'").run(CATALOG_SCHEMA_VERSION);
    } else if (version?.value !== CATALOG_SCHEMA_VERSION) {
      // Older layouts are dropped and backfilled lazily; foreign rows must be pulled again.
      db.run("DROP TABLE IF EXISTS catalog");
      db.run("DELETE FROM catalog_meta");
      db.query("INSERT INTO catalog_meta (key, value) VALUES ('schema_version', ?)").run(
        CATALOG_SCHEMA_VERSION,
      );
    }
    db.run(TABLE);
    for (const name of RETIRED_INDEXES) db.run(`DROP INDEX IF EXISTS ${name}`);
    createSecondaryIndexes(db);
  }).immediate();
}
