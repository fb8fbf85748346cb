import { Database } from "bun:sqlite";
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATALOG_SCHEMA_VERSION, SqliteCatalog } from "../../../adapters/sqlite/sqlite-catalog.ts";
import { catalogConformance, catalogRow } from "../../conformance/catalog-suite.ts";
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

describe("SqliteCatalog", () => {
  let dir: string;
  let dbPath: string;
  const clock = new FakeClock({ start: Date.parse("2026-02-03T04:05:06.789Z") });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "swamp-catalog-"));
    dbPath = join(dir, ".swamp", "data", "_catalog.db");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("creates the file with its directory, in WAL mode, schema version 4", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.rebuiltReason).toBeNull();
    catalog.close();
    const db = new Database(dbPath);
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.query("SELECT value FROM catalog_meta WHERE key = 'schema_version'").get()).toEqual({
      value: CATALOG_SCHEMA_VERSION,
    });
    const indexes = db
      .query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'catalog'")
      .all();
    expect(indexes.length).toBeGreaterThanOrEqual(9);
    db.close();
  });

  test("rows and populated survive a reopen", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    first.upsertNewVersion(catalogRow());
    first.markPopulated();
    first.close();
    const second = await SqliteCatalog.open(dbPath, { clock });
    expect(second.count({})).toBe(1);
    expect(second.isPopulated()).toBe(true);
    second.close();
  });

  test("a garbage file is moved aside and replaced by an empty, unpopulated catalog", async () => {
    const first = await SqliteCatalog.open(dbPath, { clock });
    first.close();
    writeFileSync(dbPath, "this is not a database ".repeat(200));
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.rebuiltReason).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
    expect(catalog.isPopulated()).toBe(false);
    catalog.upsertNewVersion(catalogRow());
    expect(catalog.count({})).toBe(1);
    catalog.close();
    const files = readdirSync(join(dir, ".swamp", "data"));
    expect(files).toContain("_catalog.db.corrupt-2026-02-03T04-05-06-789Z");
  });

  test("a corrupted page is detected by the integrity check and rebuilt", async () => {
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    catalog.bulkUpsert(Array.from({ length: 2000 }, (_, i) => catalogRow({ dataName: `name-${i}` })));
    catalog.markPopulated();
    catalog.compact();
    catalog.close();
    const bytes = new Uint8Array(await Bun.file(dbPath).arrayBuffer());
    // Leave the header (page 1) intact so the file still opens, and scramble the pages after it.
    for (let i = 4096 * 2; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    writeFileSync(dbPath, bytes);
    const reopened = await SqliteCatalog.open(dbPath, { clock });
    expect(reopened.rebuiltReason).not.toBeNull();
    expect(reopened.isPopulated()).toBe(false);
    expect(reopened.count({})).toBe(0);
    reopened.close();
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
    first.upsertNewVersion(catalogRow());
    first.markPopulated();
    first.close();
    const db = new Database(dbPath);
    db.run("UPDATE catalog_meta SET value = '3' WHERE key = 'schema_version'");
    db.run("INSERT INTO catalog_meta (key, value) VALUES ('foreign_synced:infra', '2026-01-01T00:00:00Z')");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    expect(catalog.count({})).toBe(0);
    expect(catalog.isPopulated()).toBe(false);
    expect(catalog.rebuiltReason).toBeNull();
    catalog.close();
    const check = new Database(dbPath);
    expect(check.query("SELECT key, value FROM catalog_meta").all()).toEqual([
      { key: "schema_version", value: CATALOG_SCHEMA_VERSION },
    ]);
    check.close();
  });

  test("an older table layout without catalog_meta is replaced", async () => {
    mkdirSync(join(dir, ".swamp", "data"), { recursive: true });
    const db = new Database(dbPath, { create: true });
    db.run("CREATE TABLE catalog (model_name TEXT, data_name TEXT)");
    db.run("INSERT INTO catalog VALUES ('m', 'n')");
    db.close();
    const catalog = await SqliteCatalog.open(dbPath, { clock });
    catalog.upsertNewVersion(catalogRow());
    expect(catalog.count({})).toBe(1);
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
      for (let i = 0; i < 200; i++) c.upsertNewVersion(catalogRow({ dataName: "child", version: i + 1 }));
      c.close();
    `;
    const scriptPath = join(dir, "writer.ts");
    writeFileSync(scriptPath, script);
    const child = Bun.spawn([process.execPath, scriptPath], { stderr: "pipe" });
    for (let i = 0; i < 200; i++) {
      (i % 2 === 0 ? a : b).upsertNewVersion(catalogRow({ dataName: "parent", version: i + 1 }));
      if (i % 20 === 0) await Bun.sleep(1);
    }
    expect(await child.exited).toBe(0);
    expect(a.count({ dataName: "child" })).toBe(200);
    expect(b.count({ dataName: "parent" })).toBe(200);
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
    catalog.bulkUpsert(Array.from({ length: 3000 }, (_, i) => catalogRow({ dataName: `name-${i}` })));
    catalog.compact();
    for (let i = 0; i < 3000; i++) catalog.removeName("", "aws/ec2/vpc", "model-1", `name-${i}`);
    const result = catalog.compact();
    expect(result.dbBytesReclaimed).toBeGreaterThan(0);
    expect(result.walPagesCheckpointed).toBe(result.walPagesTotal);
    catalog.close();
  });
});
