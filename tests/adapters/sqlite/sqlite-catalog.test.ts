import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATALOG_SCHEMA_VERSION, SqliteCatalog } from "../../../adapters/sqlite/sqlite-catalog.ts";
import { CATALOG_COLUMNS, CATALOG_FIELDS } from "../../../core/catalog-columns.ts";
import type { Catalog, CatalogRow } from "../../../core/ports/catalog.ts";
import { catalogConformance, catalogRow, countRows, mainKey } from "../../conformance/catalog-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

catalogConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "swamp-catalog-"));
  const catalog = await SqliteCatalog.open(join(dir, "_catalog.db"));
  return {
    catalog,
    cleanup: async () => {
      catalog.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** Fills the catalog with `rows` the way a rebuild does, which populates it. */
async function populate(catalog: Catalog, rows: CatalogRow[]): Promise<void> {
  await catalog.replaceNamespace(
    "",
    (async function* () {
      yield rows;
    })(),
  );
}

/** Version 4's table, which version 5 kept (it moved the populated marks and cursors per namespace). */
const VERSION_4_COLUMNS = [
  "namespace TEXT NOT NULL DEFAULT ''",
  "type_normalized TEXT NOT NULL",
  "model_id TEXT NOT NULL",
  "data_name TEXT NOT NULL",
  "id TEXT NOT NULL",
  "version INTEGER NOT NULL",
  "is_latest INTEGER NOT NULL DEFAULT 1",
  "model_name TEXT NOT NULL",
  "spec_name TEXT NOT NULL DEFAULT ''",
  "data_type TEXT NOT NULL DEFAULT ''",
  "content_type TEXT NOT NULL DEFAULT ''",
  "lifetime TEXT NOT NULL DEFAULT ''",
  "owner_type TEXT NOT NULL DEFAULT ''",
  "streaming INTEGER NOT NULL DEFAULT 0",
  "size INTEGER NOT NULL DEFAULT 0",
  "created_at TEXT NOT NULL",
  "tags TEXT NOT NULL DEFAULT '{}'",
  "owner_ref TEXT NOT NULL DEFAULT ''",
  "workflow_run_id TEXT NOT NULL DEFAULT ''",
  "workflow_name TEXT NOT NULL DEFAULT ''",
  "job_name TEXT NOT NULL DEFAULT ''",
  "step_name TEXT NOT NULL DEFAULT ''",
  "source TEXT NOT NULL DEFAULT ''",
];

/** The catalog table's columns as each schema version creates them; a new version pins its own. */
const TABLE_OF_VERSION = [
  { version: "4", columns: VERSION_4_COLUMNS },
  { version: "5", columns: VERSION_4_COLUMNS },
  { version: "6", columns: [...VERSION_4_COLUMNS, "kept_content BLOB"] },
];

describe("SqliteCatalog", () => {
  let dir: string;
  let dbPath: string;
  const clock = new FakeClock({ start: Date.parse("2026-02-03T04:05:06.789Z") });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "swamp-catalog-"));
    dbPath = join(dir, ".swamp", "data", "_catalog.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("creates the file with its directory, in WAL mode, at the current schema version", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.rebuiltReason).toBeNull();
    catalog.close();
    const db = new Database(dbPath);
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get()).toEqual({
      value: CATALOG_SCHEMA_VERSION,
    });
    const indexes = db
      .query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog' ORDER BY name")
      .values()
      .flat();
    expect(indexes).toEqual([
      "idx_catalog_latest_lookup",
      "idx_catalog_model_latest",
      "idx_catalog_model_name",
      "idx_catalog_name_latest",
      "idx_catalog_namespace",
      "idx_catalog_spec_name",
      "sqlite_autoindex_catalog_1",
    ]);
    db.close();
  });

  test("the table has the columns of core/catalog-columns.ts, as pinned for its schema version", async () => {
    (await SqliteCatalog.open(dbPath, { clock })).close();
    const db = new Database(dbPath);
    const columns = db.query("PRAGMA table_info(catalog)").all() as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
    }[];
    db.close();
    expect(columns.map((c) => c.name)).toEqual([
      ...CATALOG_FIELDS.map((field) => CATALOG_COLUMNS[field].sql),
      "kept_content",
    ]);
    // Catalogs on disk keep the table they were created with: other columns need another version.
    const described = columns.map(
      (c) =>
        `${c.name} ${c.type}${c.notnull ? " NOT NULL" : ""}${c.dflt_value === null ? "" : ` DEFAULT ${c.dflt_value}`}`,
    );
    expect({ version: CATALOG_SCHEMA_VERSION, columns: described }).toEqual(
      TABLE_OF_VERSION.find((pinned) => pinned.version === CATALOG_SCHEMA_VERSION) ?? {
        version: "not pinned",
        columns: [],
      },
    );
  });

  test("indexes of older builds that no statement uses are dropped on open, keeping the rows", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.close();
    const db = new Database(dbPath);
    db.run("CREATE INDEX idx_catalog_created_at ON catalog (created_at)");
    db.run("CREATE INDEX idx_catalog_step_name ON catalog (step_name)");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(catalog)).toBe(1);
    expect(catalog.isPopulated("")).toBe(true);
    catalog.close();
    const check = new Database(dbPath);
    expect(
      check
        .query("SELECT name FROM sqlite_master WHERE name LIKE '%created_at' OR name LIKE '%step_name'")
        .all(),
    ).toEqual([]);
    check.close();
  });

  test("rows, populated and the change cursor survive a reopen", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.setChangeCursor("", "cursor-1");
    first.close();
    const second = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(second)).toBe(1);
    expect(second.isPopulated("")).toBe(true);
    expect(second.changeCursor("")).toBe("cursor-1");
    second.close();
  });

  test("a garbage file is moved aside and replaced by an empty, unpopulated catalog", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    first.close();
    writeFileSync(dbPath, "this is not a database ".repeat(200));
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.rebuiltReason).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
    expect(catalog.isPopulated("")).toBe(false);
    catalog.addVersion(catalogRow());
    expect(countRows(catalog)).toBe(1);
    catalog.close();
    const files = readdirSync(join(dir, ".swamp", "data"));
    expect(files).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
  });

  /** A populated catalog of 2000 rows whose pages are scrambled, except those `keep` names. */
  async function damagedCatalog(keep: (db: Database) => number[]): Promise<void> {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    await populate(
      catalog,
      Array.from({ length: 2000 }, (_, i) => catalogRow({ dataName: `name-${i}` })),
    );
    catalog.compact();
    catalog.close();
    const db = new Database(dbPath);
    const kept = new Set(keep(db));
    const { page_size } = db.query("PRAGMA page_size").get() as { page_size: number };
    db.close();
    const bytes = new Uint8Array(await Bun.file(dbPath).arrayBuffer());
    for (let i = 0; i < bytes.length; i += 7) {
      if (!kept.has(Math.floor(i / page_size) + 1)) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    }
    writeFileSync(dbPath, bytes);
  }

  /** The schema page and catalog_meta's pages: the file opens and still claims to be populated. */
  const metaPages = (db: Database) => [
    1,
    ...(
      db.query("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'catalog_meta'").values() as [number][]
    ).map(([page]) => page),
  ];

  const movedAside = () => readdirSync(join(dir, ".swamp", "data")).filter((f) => f.includes(".corrupt-"));

  test("scrambled pages after the header: the caller ends up with an empty, unpopulated catalog", async () => {
    await damagedCatalog(() => [1]);
    const reopened = await SqliteCatalog.open(dbPath, { clock });
    expect(reopened.isPopulated("")).toBe(false);
    expect(countRows(reopened)).toBe(0);
    expect(reopened.rebuiltReason).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
    expect(movedAside()).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
    reopened.close();
  });

  test("damage found by a later query: moved aside once, the query answers from an empty catalog", async () => {
    await damagedCatalog(metaPages);
    const notices: string[] = [];
    const catalog = await SqliteCatalog.open(dbPath, { clock, onRebuilt: (n) => notices.push(n) });
    expect(catalog.rebuiltReason).toBeNull();
    expect(catalog.isPopulated("")).toBe(true);
    expect(catalog.scan({}, null, 100)).toEqual({ rows: [], next: null });
    expect(notices).toHaveLength(1);
    expect(notices[0]).not.toContain("\n");
    expect(notices[0]).toContain("moved it to");
    expect(catalog.rebuiltReason).toBe(notices[0] as string);
    expect(catalog.isPopulated("")).toBe(false);
    expect(catalog.scanFields({}, ["size"], null, 100).rows).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(movedAside()).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
    catalog.close();
  });

  test("damage found by a write: the write lands in the fresh catalog, which is not populated", async () => {
    await damagedCatalog(metaPages);
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    catalog.addVersion(catalogRow({ dataName: "name-7", version: 2 }));
    expect(catalog.rebuiltReason).not.toBeNull();
    expect(catalog.scan({}, null, 10).rows.map((r) => `${r.dataName}@${r.version}`)).toEqual(["name-7@2"]);
    expect(catalog.isPopulated("")).toBe(false);
    catalog.close();
    const again = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(again)).toBe(1);
    expect(again.rebuiltReason).toBeNull();
    again.close();
  });

  test("damage found by a load in batches: every row lands in the fresh catalog", async () => {
    await damagedCatalog(metaPages);
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    async function* batches() {
      for (let i = 0; i < 3; i++) yield [catalogRow({ dataName: `fresh-${i}` })];
    }
    await catalog.replaceNamespace("", batches());
    expect(catalog.rebuiltReason).not.toBeNull();
    expect(catalog.scan({}, null, 10).rows.map((r) => r.dataName)).toEqual(["fresh-0", "fresh-1", "fresh-2"]);
    catalog.close();
  });

  test("a deleted catalog is recreated silently", async () => {
    (await SqliteCatalog.open(dbPath, { clock })).close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.rebuiltReason).toBeNull();
    expect(existsSync(dbPath)).toBe(true);
    catalog.close();
  });

  test("a different schema version drops the rows and clears populated", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.close();
    const db = new Database(dbPath);
    db.run("UPDATE catalog_meta SET value = '3' WHERE key = 'schema_version'");
    db.run("INSERT INTO catalog_meta (key, value) VALUES ('foreign_synced:infra', '2026-01-01T00:00:00Z')");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(catalog)).toBe(0);
    expect(catalog.isPopulated("")).toBe(false);
    expect(catalog.rebuiltReason).toBeNull();
    catalog.close();
    const check = new Database(dbPath);
    expect(check.query("SELECT key, value FROM catalog_meta").all()).toEqual([
      { key: "schema_version", value: CATALOG_SCHEMA_VERSION },
    ]);
    check.close();
  });

  test("a version 4 catalog keeps its rows, and every namespace is backfilled again", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.addVersion(catalogRow({ namespace: "infra", dataName: "theirs" }));
    first.close();
    // What version 4 left: its table, one populated mark and one cursor for the whole catalog.
    const db = new Database(dbPath);
    db.run("ALTER TABLE catalog DROP COLUMN kept_content");
    db.run("DELETE FROM catalog_meta WHERE key <> 'schema_version'");
    db.run("UPDATE catalog_meta SET value = '4' WHERE key = 'schema_version'");
    db.run("INSERT INTO catalog_meta (key, value) VALUES ('populated', 'true'), ('change_cursor', 'c-old')");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(catalog)).toBe(2);
    for (const ns of ["", "infra"]) {
      expect(catalog.isPopulated(ns)).toBe(false);
      expect(catalog.changeCursor(ns)).toBeNull();
    }
    catalog.close();
    const check = new Database(dbPath);
    expect(check.query("SELECT key, value FROM catalog_meta").all()).toEqual([
      { key: "schema_version", value: CATALOG_SCHEMA_VERSION },
    ]);
    check.close();
  });

  test("a version 5 catalog keeps its rows, marks and cursors, and gains the kept content column", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.setChangeCursor("", "c-5");
    first.close();
    const db = new Database(dbPath);
    db.run("ALTER TABLE catalog DROP COLUMN kept_content");
    db.run("UPDATE catalog_meta SET value = '5' WHERE key = 'schema_version'");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.isPopulated("")).toBe(true);
    expect(catalog.changeCursor("")).toBe("c-5");
    const [kept] = catalog.scanKept({}, null, 10).rows;
    expect(kept).toEqual({ row: catalogRow(), content: null });
    catalog.keepContent([{ row: catalogRow(), content: new TextEncoder().encode('{"n":1}') }]);
    expect(new TextDecoder().decode(catalog.scanKept({}, null, 10).rows[0]?.content ?? undefined)).toBe(
      '{"n":1}',
    );
    catalog.close();
    const check = new Database(dbPath);
    expect(check.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get()).toEqual({
      value: CATALOG_SCHEMA_VERSION,
    });
    check.close();
  });

  test("an older table layout without catalog_meta is replaced", async () => {
    mkdirSync(join(dir, ".swamp", "data"), { recursive: true });
    const db = new Database(dbPath, { create: true });
    db.run("CREATE TABLE catalog (model_name TEXT, data_name TEXT)");
    db.run("INSERT INTO catalog VALUES ('m', 'n')");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    catalog.addVersion(catalogRow());
    expect(countRows(catalog)).toBe(1);
    catalog.close();
  });

  test("a catalog without the data-list index gains it on open and keeps its rows", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    await populate(first, [catalogRow()]);
    first.close();
    const db = new Database(dbPath);
    db.run("DROP INDEX idx_catalog_model_latest");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(countRows(catalog)).toBe(1);
    expect(catalog.isPopulated("")).toBe(true);
    catalog.close();
    const check = new Database(dbPath);
    expect(
      check.query("SELECT name FROM sqlite_master WHERE name = 'idx_catalog_model_latest'").get(),
    ).toEqual({
      name: "idx_catalog_model_latest",
    });
    check.close();
  });

  test("opening a current catalog takes no write lock: readers do not wait for a writer", async () => {
    (await SqliteCatalog.open(dbPath, { clock })).close();
    const writer = new Database(dbPath);
    writer.run("BEGIN IMMEDIATE");
    writer.run("INSERT OR REPLACE INTO catalog_meta (key, value) VALUES ('populated:', 'true')");
    const reader = await SqliteCatalog.open(dbPath, { clock });
    expect(reader.isPopulated("")).toBe(false);
    writer.run("COMMIT");
    expect(reader.isPopulated("")).toBe(true);
    reader.close();
    writer.close();
  });

  test("a big load into an empty catalog rebuilds every index and answers like row-by-row inserts", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    const indexes = () => {
      const db = new Database(dbPath, { readonly: true });
      const found = db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
      db.close();
      return found;
    };
    const before = indexes();
    const rows = Array.from({ length: 6000 }, (_, i) =>
      catalogRow({ modelId: `model-${i % 7}`, dataName: `name-${i}`, isLatest: i % 3 !== 0 }),
    );
    await populate(catalog, rows);
    expect(indexes()).toEqual(before);
    await populate(
      catalog,
      rows.map((row) => ({ ...row, size: 99 })),
    );
    expect(countRows(catalog)).toBe(6000);
    expect(countRows(catalog, { modelId: "model-3", latestOnly: true })).toBe(
      rows.filter((r) => r.modelId === "model-3" && r.isLatest).length,
    );
    expect(catalog.scan({ dataName: "name-5" }, null, 10).rows).toEqual([
      { ...(rows[5] as CatalogRow), size: 99 },
    ]);
    catalog.close();
    const db = new Database(dbPath, { readonly: true });
    const plan = db
      .query(
        "EXPLAIN QUERY PLAN SELECT rowid FROM catalog WHERE is_latest = 1 AND namespace = ? AND type_normalized = ? AND model_id = ? AND rowid > ? ORDER BY rowid LIMIT 10",
      )
      .all("", "aws/ec2/vpc", "model-3", 0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toContain("idx_catalog_model_latest");
    db.close();
  });

  test("a load in batches rebuilds the indexes once it outgrows the table, and rolls back on a failing source", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    const indexes = () => {
      const db = new Database(dbPath, { readonly: true });
      const found = db.query("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
      db.close();
      return found;
    };
    const before = indexes();
    const rows = Array.from({ length: 7000 }, (_, i) => catalogRow({ dataName: `name-${i}` }));
    async function* batches(fail: boolean) {
      for (let i = 0; i < rows.length; i += 1000) yield rows.slice(i, i + 1000);
      if (fail) throw new Error("unreadable");
    }
    await expect(catalog.replaceNamespace("", batches(true))).rejects.toThrow("unreadable");
    expect(countRows(catalog)).toBe(0);
    expect(indexes()).toEqual(before);
    await catalog.replaceNamespace("", batches(false));
    expect(indexes()).toEqual(before);
    expect(countRows(catalog, { dataName: "name-6999", latestOnly: true })).toBe(1);
    expect(countRows(catalog)).toBe(7000);
    catalog.close();
  });

  test("two connections write concurrently: the busy timeout serializes them", async () => {
    const a = await SqliteCatalog.open(dbPath, { clock });
    const b = await SqliteCatalog.open(dbPath, { clock });
    // A writer in another process holds the write lock for a moment; bun:sqlite is synchronous,
    // so the contending writer runs in a child process.
    const script = `
      import { SqliteCatalog } from ${JSON.stringify(join(import.meta.dir, "../../../adapters/sqlite/sqlite-catalog.ts"))};
      import { catalogRow } from ${JSON.stringify(join(import.meta.dir, "../../conformance/catalog-suite.ts"))};
      const c = await SqliteCatalog.open(${JSON.stringify(dbPath)});
      for (let i = 0; i < 200; i++) c.addVersion(catalogRow({ dataName: "child", version: i + 1 }));
      c.close();
    `;
    const scriptPath = join(dir, "writer.ts");
    writeFileSync(scriptPath, script);
    const child = Bun.spawn([process.execPath, scriptPath], { stderr: "pipe" });
    for (let i = 0; i < 200; i++) {
      (i % 2 === 0 ? a : b).addVersion(catalogRow({ dataName: "parent", version: i + 1 }));
      if (i % 20 === 0) await Bun.sleep(1);
    }
    expect(await child.exited).toBe(0);
    expect(countRows(a, { dataName: "child" })).toBe(200);
    expect(countRows(b, { dataName: "parent" })).toBe(200);
    expect(
      a
        .scan({ latestOnly: true }, null, 10)
        .rows.map((r) => `${r.dataName}@${r.version}`)
        .sort(),
    ).toEqual(["child@200", "parent@200"]);
    a.close();
    b.close();
  });

  test("compact reports what it reclaimed", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    await populate(
      catalog,
      Array.from({ length: 3000 }, (_, i) => catalogRow({ dataName: `name-${i}` })),
    );
    catalog.compact();
    for (let i = 0; i < 3000; i++) catalog.replaceName(mainKey(`name-${i}`), []);
    const result = catalog.compact();
    expect(result.bytesReclaimed).toBeGreaterThan(0);
    expect(result.logEntriesFolded).toBe(result.logEntries);
    catalog.close();
  });
});
