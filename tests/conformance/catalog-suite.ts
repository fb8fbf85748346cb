import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { Catalog, CatalogFilter, CatalogRow } from "../../core/ports/catalog.ts";

export interface CatalogFixture {
  catalog: Catalog;
  cleanup: () => Promise<void>;
}

/** A row of version `version` of `dataName` under model `vpc` in solo mode; override anything. */
export function catalogRow(overrides: Partial<CatalogRow> = {}): CatalogRow {
  const version = overrides.version ?? 1;
  return {
    namespace: "",
    typeNormalized: "aws/ec2/vpc",
    modelId: "model-1",
    dataName: "main",
    id: "data-1",
    version,
    isLatest: true,
    modelName: "vpc",
    specName: "state",
    dataType: "resource",
    contentType: "application/json",
    lifetime: "infinite",
    ownerType: "manual",
    streaming: false,
    size: 10,
    createdAt: `2026-01-01T00:00:${String(version).padStart(2, "0")}.000Z`,
    tags: { type: "resource", modelName: "vpc", specName: "state" },
    ownerRef: "cli:vpc",
    workflowRunId: "",
    workflowName: "",
    jobName: "",
    stepName: "",
    source: "",
    ...overrides,
  };
}

const versionsOf = (c: Catalog, filter: CatalogFilter = {}) =>
  c
    .scan(filter, null, 1000)
    .rows.map(
      (r) => `${r.dataName}@${r.version}${r.stepName ? `/${r.stepName}` : ""}${r.isLatest ? "*" : ""}`,
    )
    .sort();

/** The behaviour every Catalog implementation must have (docs/architecture.md, "Catalog"). */
export function catalogConformance(name: string, make: () => Promise<CatalogFixture>): void {
  describe(`${name} catalog conformance`, () => {
    let fixture: CatalogFixture;
    let catalog: Catalog;
    beforeEach(async () => {
      fixture = await make();
      catalog = fixture.catalog;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    test("upsertNewVersion makes the new row the only latest of its name", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1 }));
      catalog.upsertNewVersion(catalogRow({ version: 2 }));
      catalog.upsertNewVersion(catalogRow({ dataName: "other", version: 1 }));
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*", "other@1*"]);
    });

    test("upsertNewVersion stores the row as latest even when isLatest is false", () => {
      catalog.upsertNewVersion(catalogRow({ isLatest: false }));
      expect(versionsOf(catalog)).toEqual(["main@1*"]);
    });

    test("latest is scoped to the workflow step", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1, stepName: "a" }));
      catalog.upsertNewVersion(catalogRow({ version: 2, stepName: "b" }));
      catalog.upsertNewVersion(catalogRow({ version: 3, stepName: "a" }));
      expect(versionsOf(catalog)).toEqual(["main@1/a", "main@2/b*", "main@3/a*"]);
    });

    test("the same version written again replaces its row", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1, size: 1 }));
      catalog.upsertNewVersion(catalogRow({ version: 1, size: 2 }));
      const { rows } = catalog.scan({}, null, 10);
      expect(rows.map((r) => r.size)).toEqual([2]);
    });

    test("rows round-trip every field", () => {
      const row = catalogRow({
        namespace: "infra",
        streaming: true,
        tags: { type: "log", modelName: "vpc", "odd key": 'v"1' },
        workflowRunId: "run-1",
        workflowName: "wf",
        jobName: "job",
        stepName: "step",
        source: "src",
      });
      catalog.upsertNewVersion(row);
      expect(catalog.scan({}, null, 10).rows).toEqual([row]);
    });

    test("removeName removes every version of one name only", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1 }));
      catalog.upsertNewVersion(catalogRow({ version: 2 }));
      catalog.upsertNewVersion(catalogRow({ dataName: "other" }));
      catalog.upsertNewVersion(catalogRow({ namespace: "infra" }));
      catalog.removeName("", "aws/ec2/vpc", "model-1", "main");
      expect(versionsOf(catalog)).toEqual(["main@1*", "other@1*"]);
      expect(catalog.count({ namespace: "infra" })).toBe(1);
    });

    test("removeVersion of the latest promotes the new highest version", () => {
      for (const version of [1, 2, 3]) catalog.upsertNewVersion(catalogRow({ version }));
      catalog.removeVersion("", "aws/ec2/vpc", "model-1", "main", 3);
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*"]);
      catalog.removeVersion("", "aws/ec2/vpc", "model-1", "main", 1);
      expect(versionsOf(catalog)).toEqual(["main@2*"]);
      catalog.removeVersion("", "aws/ec2/vpc", "model-1", "main", 2);
      expect(versionsOf(catalog)).toEqual([]);
    });

    test("removeVersion keeps each step's own latest", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1, stepName: "a" }));
      catalog.upsertNewVersion(catalogRow({ version: 2, stepName: "b" }));
      catalog.upsertNewVersion(catalogRow({ version: 3, stepName: "a" }));
      catalog.removeVersion("", "aws/ec2/vpc", "model-1", "main", 3);
      expect(versionsOf(catalog)).toEqual(["main@1/a*", "main@2/b*"]);
    });

    test("removeVersion of a missing version changes nothing", () => {
      catalog.upsertNewVersion(catalogRow({ version: 1 }));
      catalog.removeVersion("", "aws/ec2/vpc", "model-1", "main", 9);
      expect(versionsOf(catalog)).toEqual(["main@1*"]);
    });

    test("bulkUpsert is additive and keeps the given latest flags", () => {
      catalog.upsertNewVersion(catalogRow({ dataName: "kept" }));
      catalog.bulkUpsert([
        catalogRow({ version: 1, isLatest: false }),
        catalogRow({ version: 2, isLatest: true }),
        catalogRow({ dataName: "kept", version: 1, size: 99 }),
      ]);
      expect(versionsOf(catalog)).toEqual(["kept@1*", "main@1", "main@2*"]);
      expect(catalog.scan({ dataName: "kept" }, null, 10).rows[0]?.size).toBe(99);
      catalog.bulkUpsert([]);
      expect(catalog.count({})).toBe(3);
    });

    test("bulkUpsertBatches loads every batch like one bulkUpsert; a failing source keeps nothing", async () => {
      catalog.upsertNewVersion(catalogRow({ dataName: "kept" }));
      async function* batches() {
        yield [catalogRow({ version: 1, isLatest: false }), catalogRow({ version: 2 })];
        yield [];
        yield [catalogRow({ dataName: "kept", size: 99 })];
      }
      await catalog.bulkUpsertBatches(batches());
      expect(versionsOf(catalog)).toEqual(["kept@1*", "main@1", "main@2*"]);
      expect(catalog.scan({ dataName: "kept" }, null, 10).rows[0]?.size).toBe(99);
      async function* failing() {
        yield [catalogRow({ dataName: "half" })];
        throw new Error("unreadable");
      }
      await expect(catalog.bulkUpsertBatches(failing())).rejects.toThrow("unreadable");
      expect(catalog.count({})).toBe(3);
    });

    test("bulkUpsertBatches replacing a namespace swaps its rows and keeps the others; a failing source keeps all", async () => {
      catalog.bulkUpsert([
        catalogRow({ dataName: "stale" }),
        catalogRow({ dataName: "main", version: 1 }),
        catalogRow({ namespace: "foreign", dataName: "theirs" }),
      ]);
      async function* failing() {
        yield [catalogRow({ dataName: "half" })];
        throw new Error("unreadable");
      }
      await expect(catalog.bulkUpsertBatches(failing(), { replacing: { namespace: "" } })).rejects.toThrow(
        "unreadable",
      );
      expect(versionsOf(catalog)).toEqual(["main@1*", "stale@1*", "theirs@1*"]);
      async function* batches() {
        yield [catalogRow({ dataName: "main", version: 1, isLatest: false })];
        yield [catalogRow({ dataName: "main", version: 2 })];
      }
      await catalog.bulkUpsertBatches(batches(), { replacing: { namespace: "" } });
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*", "theirs@1*"]);
      expect(catalog.count({ namespace: "foreign" })).toBe(1);
    });

    test("scan and count filter on each field", () => {
      catalog.bulkUpsert([
        catalogRow({ version: 1, isLatest: false }),
        catalogRow({ version: 2 }),
        catalogRow({ namespace: "infra", modelName: "net", modelId: "model-2", dataName: "cfg" }),
        catalogRow({ typeNormalized: "gcp/vpc", modelId: "model-3", dataName: "g", specName: "spec2" }),
        catalogRow({ dataName: "tagged", tags: { type: "resource", env: "prod" } }),
      ]);
      const cases: [CatalogFilter, string[]][] = [
        [{}, ["cfg@1*", "g@1*", "main@1", "main@2*", "tagged@1*"]],
        [{ latestOnly: true }, ["cfg@1*", "g@1*", "main@2*", "tagged@1*"]],
        [{ modelName: "net" }, ["cfg@1*"]],
        [{ namespace: "infra" }, ["cfg@1*"]],
        [{ namespace: "" }, ["g@1*", "main@1", "main@2*", "tagged@1*"]],
        [{ dataName: "main" }, ["main@1", "main@2*"]],
        [{ typeNormalized: "gcp/vpc" }, ["g@1*"]],
        [{ modelId: "model-2" }, ["cfg@1*"]],
        [{ version: 2 }, ["main@2*"]],
        [{ specName: "spec2" }, ["g@1*"]],
        [{ tag: { key: "env", value: "prod" } }, ["tagged@1*"]],
        [{ tag: { key: "env", value: "dev" } }, []],
        [{ tag: { key: "type", value: "resource" } }, ["cfg@1*", "g@1*", "main@1", "main@2*", "tagged@1*"]],
        [{ dataName: "main", latestOnly: true, modelName: "vpc" }, ["main@2*"]],
      ];
      for (const [filter, expected] of cases) {
        expect({ filter, rows: versionsOf(catalog, filter) }).toEqual({ filter, rows: expected });
        expect({ filter, count: catalog.count(filter) }).toEqual({ filter, count: expected.length });
      }
    });

    test("scan pages in insertion order by rowid, with no gap or repeat", () => {
      const rows = Array.from({ length: 25 }, (_, i) => catalogRow({ dataName: `d${i}` }));
      catalog.bulkUpsert(rows);
      const seen: string[] = [];
      let after: number | null = null;
      for (let page = 0; page < 10; page++) {
        const result = catalog.scan({}, after, 10);
        seen.push(...result.rows.map((r) => r.dataName));
        if (result.nextRowid === null) break;
        expect(result.rows).toHaveLength(10);
        after = result.nextRowid;
      }
      expect(seen).toEqual(rows.map((r) => r.dataName));
    });

    test("scan pages a filtered result", () => {
      catalog.bulkUpsert(
        Array.from({ length: 9 }, (_, i) => catalogRow({ dataName: `d${i}`, isLatest: i % 2 === 0 })),
      );
      const first = catalog.scan({ latestOnly: true }, null, 3);
      expect(first.rows.map((r) => r.dataName)).toEqual(["d0", "d2", "d4"]);
      expect(first.nextRowid).not.toBeNull();
      const second = catalog.scan({ latestOnly: true }, first.nextRowid, 3);
      expect(second.rows.map((r) => r.dataName)).toEqual(["d6", "d8"]);
      expect(second.nextRowid).toBeNull();
    });

    test("a rewritten row moves to the end of the scan order", () => {
      catalog.bulkUpsert([catalogRow({ dataName: "a" }), catalogRow({ dataName: "b" })]);
      catalog.upsertNewVersion(catalogRow({ dataName: "a" }));
      expect(catalog.scan({}, null, 10).rows.map((r) => r.dataName)).toEqual(["b", "a"]);
    });

    test("scanFields reads only the asked fields, with rowids that fetch the whole rows", () => {
      catalog.bulkUpsert([
        catalogRow({ dataName: "a", size: 1, isLatest: false, tags: { env: "prod" } }),
        catalogRow({ dataName: "b", size: 2, streaming: true }),
        catalogRow({ dataName: "c", size: 3 }),
      ]);
      const first = catalog.scanFields({}, null, 2, ["size", "isLatest", "tags", "streaming"]);
      expect(first.rows.map(({ rowid: _, ...slice }) => slice)).toEqual([
        { size: 1, isLatest: false, tags: { env: "prod" }, streaming: false },
        {
          size: 2,
          isLatest: true,
          tags: { type: "resource", modelName: "vpc", specName: "state" },
          streaming: true,
        },
      ]);
      const rest = catalog.scanFields({}, first.nextRowid, 2, ["dataName"]);
      expect(rest).toMatchObject({ rows: [{ dataName: "c" }], nextRowid: null });
      expect(Object.keys(rest.rows[0] ?? {}).sort()).toEqual(["dataName", "rowid"]);
      const latest = catalog.scanFields({ latestOnly: true }, null, 10, []);
      const rowids = latest.rows.map((slice) => slice.rowid);
      expect(catalog.scan({ rowids }, null, 10).rows.map((r) => r.dataName)).toEqual(["b", "c"]);
      expect(catalog.count({ rowids })).toBe(2);
    });

    test("scan by rowids leaves out rows rewritten since", () => {
      catalog.bulkUpsert([catalogRow({ dataName: "a" }), catalogRow({ dataName: "b" })]);
      const rowids = catalog.scanFields({}, null, 10, []).rows.map((slice) => slice.rowid);
      catalog.upsertNewVersion(catalogRow({ dataName: "a" }));
      expect(catalog.scan({ rowids }, null, 10).rows.map((r) => r.dataName)).toEqual(["b"]);
      expect(catalog.scan({ rowids: [] }, null, 10).rows).toEqual([]);
    });

    test("populated is set by markPopulated and cleared by invalidate, keeping rows", () => {
      expect(catalog.isPopulated()).toBe(false);
      catalog.upsertNewVersion(catalogRow());
      catalog.markPopulated();
      expect(catalog.isPopulated()).toBe(true);
      catalog.invalidate();
      expect(catalog.isPopulated()).toBe(false);
      expect(catalog.count({})).toBe(1);
    });

    test("the change cursor is none until set, then the last one set", () => {
      expect(catalog.changeCursor()).toBeNull();
      catalog.setChangeCursor('{"id":"a","offset":1}');
      catalog.setChangeCursor('{"id":"a","offset":2}');
      expect(catalog.changeCursor()).toBe('{"id":"a","offset":2}');
    });

    test("compact keeps the rows", () => {
      catalog.bulkUpsert(Array.from({ length: 50 }, (_, i) => catalogRow({ dataName: `d${i}` })));
      for (let i = 0; i < 40; i++) catalog.removeName("", "aws/ec2/vpc", "model-1", `d${i}`);
      const result = catalog.compact();
      expect(result.dbBytesReclaimed).toBeGreaterThanOrEqual(0);
      expect(catalog.count({})).toBe(10);
    });
  });
}
