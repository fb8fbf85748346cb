import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CATALOG_FIELDS } from "../../core/catalog-columns.ts";
import type {
  Catalog,
  CatalogCursor,
  CatalogFilter,
  CatalogNameKey,
  CatalogRow,
  CatalogWriter,
} from "../../core/ports/catalog.ts";
import { distinctRow } from "../support/distinct-row.ts";

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

const nameOf = (r: CatalogRow): CatalogNameKey => ({
  namespace: r.namespace,
  type: r.typeNormalized,
  id: r.modelId,
  name: r.dataName,
});

/** The name key of `dataName` under model `vpc` in solo mode, as `catalogRow` makes its rows. */
export const mainKey = (name = "main"): CatalogNameKey => nameOf(catalogRow({ dataName: name }));

/** Puts `rows` in the catalog as given (latest flags included), name by name, in their order. */
export function seedRows(catalog: CatalogWriter, rows: readonly CatalogRow[]): void {
  const byName = new Map<string, { key: CatalogNameKey; rows: CatalogRow[] }>();
  for (const row of rows) {
    const key = nameOf(row);
    const id = JSON.stringify(key);
    const entry = byName.get(id) ?? { key, rows: [] };
    entry.rows.push(row);
    byName.set(id, entry);
  }
  for (const { key, rows: ofName } of byName.values()) catalog.replaceName(key, ofName);
}

/** How many rows match `filter`, read through `scan`. */
export const countRows = (catalog: Catalog, filter: CatalogFilter = {}) =>
  catalog.scan(filter, null, 1_000_000).rows.length;

const versionsOf = (c: Catalog, filter: CatalogFilter = {}) =>
  c
    .scan(filter, null, 1000)
    .rows.map(
      (r) => `${r.dataName}@${r.version}${r.stepName ? `/${r.stepName}` : ""}${r.isLatest ? "*" : ""}`,
    )
    .sort();

async function* inBatches(...batches: CatalogRow[][]): AsyncGenerator<CatalogRow[]> {
  for (const batch of batches) yield batch;
}

async function* failingAfter(rows: CatalogRow[]): AsyncGenerator<CatalogRow[]> {
  yield rows;
  throw new Error("unreadable");
}

/** The behaviour every Catalog implementation must have (docs/architecture.md, "The catalog port"). */
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

    test("addVersion makes the new row the only latest of its name", () => {
      catalog.addVersion(catalogRow({ version: 1 }));
      catalog.addVersion(catalogRow({ version: 2 }));
      catalog.addVersion(catalogRow({ dataName: "other", version: 1 }));
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*", "other@1*"]);
    });

    test("addVersion stores the row as latest even when isLatest is false", () => {
      catalog.addVersion(catalogRow({ isLatest: false }));
      expect(versionsOf(catalog)).toEqual(["main@1*"]);
    });

    test("latest is scoped to the workflow step", () => {
      catalog.addVersion(catalogRow({ version: 1, stepName: "a" }));
      catalog.addVersion(catalogRow({ version: 2, stepName: "b" }));
      catalog.addVersion(catalogRow({ version: 3, stepName: "a" }));
      expect(versionsOf(catalog)).toEqual(["main@1/a", "main@2/b*", "main@3/a*"]);
    });

    test("the same version written again replaces its row", () => {
      catalog.addVersion(catalogRow({ version: 1, size: 1 }));
      catalog.addVersion(catalogRow({ version: 1, size: 2 }));
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
      catalog.addVersion(row);
      expect(catalog.scan({}, null, 10).rows).toEqual([row]);
    });

    test("a distinct value in every column round-trips through each write and read", async () => {
      // addVersion stores its row as latest; replaceName and replaceNamespace keep the flags given.
      const added = { ...distinctRow(0), isLatest: true };
      const named = distinctRow(1);
      const rebuilt = { ...distinctRow(2), namespace: added.namespace };
      catalog.addVersion({ ...added, isLatest: false });
      catalog.replaceName(nameOf(named), [named]);
      expect(catalog.scan({}, null, 10).rows).toEqual([added, named]);
      for (const field of CATALOG_FIELDS) {
        const { rows } = catalog.scanFields({}, [field], null, 10);
        expect(rows.map((slice) => slice[field])).toEqual([added[field], named[field]]);
      }
      const { rows: slices } = catalog.scanFields({}, CATALOG_FIELDS, null, 10);
      expect(slices.map(({ handle: _, ...fields }) => fields)).toEqual([added, named]);
      await catalog.replaceNamespace(
        added.namespace,
        (async function* () {
          yield [rebuilt];
        })(),
      );
      expect(catalog.scan({ namespace: added.namespace }, null, 10).rows).toEqual([rebuilt]);
      expect(catalog.scan({ namespace: named.namespace }, null, 10).rows).toEqual([named]);
    });

    test("replaceName with no rows removes every version of one name only", () => {
      catalog.addVersion(catalogRow({ version: 1 }));
      catalog.addVersion(catalogRow({ version: 2 }));
      catalog.addVersion(catalogRow({ dataName: "other" }));
      catalog.addVersion(catalogRow({ namespace: "infra" }));
      catalog.replaceName(mainKey(), []);
      expect(versionsOf(catalog)).toEqual(["main@1*", "other@1*"]);
      expect(countRows(catalog, { namespace: "infra" })).toBe(1);
    });

    test("replaceName makes the rows the name's only ones, with the given latest flags", () => {
      catalog.addVersion(catalogRow({ dataName: "kept" }));
      catalog.addVersion(catalogRow({ version: 5 }));
      catalog.replaceName(mainKey(), [
        catalogRow({ version: 1, isLatest: false }),
        catalogRow({ version: 2, isLatest: true }),
      ]);
      catalog.replaceName(mainKey("kept"), [catalogRow({ dataName: "kept", version: 1, size: 99 })]);
      expect(versionsOf(catalog)).toEqual(["kept@1*", "main@1", "main@2*"]);
      expect(catalog.scan({ dataName: "kept" }, null, 10).rows[0]?.size).toBe(99);
    });

    test("removeVersion of the latest promotes the new highest version", () => {
      for (const version of [1, 2, 3]) catalog.addVersion(catalogRow({ version }));
      catalog.removeVersion({ ...mainKey(), version: 3 });
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*"]);
      catalog.removeVersion({ ...mainKey(), version: 1 });
      expect(versionsOf(catalog)).toEqual(["main@2*"]);
      catalog.removeVersion({ ...mainKey(), version: 2 });
      expect(versionsOf(catalog)).toEqual([]);
    });

    test("removeVersion keeps each step's own latest", () => {
      catalog.addVersion(catalogRow({ version: 1, stepName: "a" }));
      catalog.addVersion(catalogRow({ version: 2, stepName: "b" }));
      catalog.addVersion(catalogRow({ version: 3, stepName: "a" }));
      catalog.removeVersion({ ...mainKey(), version: 3 });
      expect(versionsOf(catalog)).toEqual(["main@1/a*", "main@2/b*"]);
    });

    test("removeVersion of a missing version changes nothing", () => {
      catalog.addVersion(catalogRow({ version: 1 }));
      catalog.removeVersion({ ...mainKey(), version: 9 });
      catalog.removeVersion({ ...mainKey(), namespace: "infra", version: 1 });
      expect(versionsOf(catalog)).toEqual(["main@1*"]);
    });

    test("replaceNamespace swaps its rows for the batches', keeps the others, and populates", async () => {
      seedRows(catalog, [
        catalogRow({ dataName: "stale" }),
        catalogRow({ dataName: "main", version: 1 }),
        catalogRow({ namespace: "foreign", dataName: "theirs" }),
      ]);
      await catalog.replaceNamespace(
        "",
        inBatches(
          [catalogRow({ dataName: "main", version: 1, isLatest: false })],
          [],
          [catalogRow({ dataName: "main", version: 2 })],
        ),
      );
      expect(versionsOf(catalog)).toEqual(["main@1", "main@2*", "theirs@1*"]);
      expect(countRows(catalog, { namespace: "foreign" })).toBe(1);
      expect(catalog.isPopulated("")).toBe(true);
    });

    test("replaceNamespace from a failing source changes nothing", async () => {
      seedRows(catalog, [catalogRow({ dataName: "kept" }), catalogRow({ namespace: "foreign" })]);
      await expect(
        catalog.replaceNamespace("", failingAfter([catalogRow({ dataName: "half" })])),
      ).rejects.toThrow("unreadable");
      expect(versionsOf(catalog)).toEqual(["kept@1*", "main@1*"]);
      expect(catalog.isPopulated("")).toBe(false);
    });

    test("scan filters on each field", () => {
      seedRows(catalog, [
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
      }
    });

    test("scan pages in the order rows were written, with no gap or repeat", () => {
      const rows = Array.from({ length: 25 }, (_, i) => catalogRow({ dataName: `d${i}` }));
      seedRows(catalog, rows);
      const seen: string[] = [];
      let after: CatalogCursor | null = null;
      for (let page = 0; page < 10; page++) {
        const result = catalog.scan({}, after, 10);
        seen.push(...result.rows.map((r) => r.dataName));
        if (result.next === null) break;
        expect(result.rows).toHaveLength(10);
        after = result.next;
      }
      expect(seen).toEqual(rows.map((r) => r.dataName));
    });

    test("scan pages a filtered result", () => {
      seedRows(
        catalog,
        Array.from({ length: 9 }, (_, i) => catalogRow({ dataName: `d${i}`, isLatest: i % 2 === 0 })),
      );
      const first = catalog.scan({ latestOnly: true }, null, 3);
      expect(first.rows.map((r) => r.dataName)).toEqual(["d0", "d2", "d4"]);
      expect(first.next).not.toBeNull();
      const second = catalog.scan({ latestOnly: true }, first.next, 3);
      expect(second.rows.map((r) => r.dataName)).toEqual(["d6", "d8"]);
      expect(second.next).toBeNull();
    });

    test("a rewritten row moves to the end of the scan order", () => {
      seedRows(catalog, [catalogRow({ dataName: "a" }), catalogRow({ dataName: "b" })]);
      catalog.addVersion(catalogRow({ dataName: "a" }));
      expect(catalog.scan({}, null, 10).rows.map((r) => r.dataName)).toEqual(["b", "a"]);
    });

    test("scanFields reads only the asked fields, with handles that fetch the whole rows", () => {
      seedRows(catalog, [
        catalogRow({ dataName: "a", size: 1, isLatest: false, tags: { env: "prod" } }),
        catalogRow({ dataName: "b", size: 2, streaming: true }),
        catalogRow({ dataName: "c", size: 3 }),
      ]);
      const first = catalog.scanFields({}, ["size", "isLatest", "tags", "streaming"], null, 2);
      expect(first.rows.map(({ handle: _, ...slice }) => slice)).toEqual([
        { size: 1, isLatest: false, tags: { env: "prod" }, streaming: false },
        {
          size: 2,
          isLatest: true,
          tags: { type: "resource", modelName: "vpc", specName: "state" },
          streaming: true,
        },
      ]);
      const rest = catalog.scanFields({}, ["dataName"], first.next, 2);
      expect(rest).toMatchObject({ rows: [{ dataName: "c" }], next: null });
      expect(Object.keys(rest.rows[0] ?? {}).sort()).toEqual(["dataName", "handle"]);
      const latest = catalog.scanFields({ latestOnly: true }, [], null, 10);
      const handles = latest.rows.map((slice) => slice.handle);
      expect(catalog.scan({ handles }, null, 10).rows.map((r) => r.dataName)).toEqual(["b", "c"]);
      expect(catalog.scan({ handles, dataName: "c" }, null, 10).rows.map((r) => r.dataName)).toEqual(["c"]);
    });

    test("scan by handles leaves out rows rewritten since", () => {
      seedRows(catalog, [catalogRow({ dataName: "a" }), catalogRow({ dataName: "b" })]);
      const handles = catalog.scanFields({}, [], null, 10).rows.map((slice) => slice.handle);
      catalog.addVersion(catalogRow({ dataName: "a" }));
      expect(catalog.scan({ handles }, null, 10).rows.map((r) => r.dataName)).toEqual(["b"]);
      expect(catalog.scan({ handles: [] }, null, 10).rows).toEqual([]);
    });

    test("only replaceNamespace populates the catalog", async () => {
      expect(catalog.isPopulated("")).toBe(false);
      catalog.addVersion(catalogRow());
      seedRows(catalog, [catalogRow({ dataName: "other" })]);
      catalog.setChangeCursor("", "cursor-1");
      expect(catalog.isPopulated("")).toBe(false);
      await catalog.replaceNamespace("", inBatches());
      expect(catalog.isPopulated("")).toBe(true);
      expect(countRows(catalog)).toBe(0);
    });

    test("each namespace is populated by its own rebuild only", async () => {
      await catalog.replaceNamespace("", inBatches([catalogRow()]));
      expect(catalog.isPopulated("infra")).toBe(false);
      await catalog.replaceNamespace("infra", inBatches([catalogRow({ namespace: "infra" })]));
      expect(catalog.isPopulated("infra")).toBe(true);
      expect(catalog.isPopulated("")).toBe(true);
      expect(catalog.isPopulated("security")).toBe(false);
    });

    test("a rebuild of one namespace keeps every row of the others", async () => {
      const theirs = [
        catalogRow({ namespace: "security", dataName: "a", isLatest: false }),
        catalogRow({ namespace: "security", dataName: "a", version: 2 }),
        catalogRow({ namespace: "", dataName: "solo" }),
      ];
      seedRows(catalog, theirs);
      await catalog.replaceNamespace("infra", inBatches([catalogRow({ namespace: "infra" })]));
      await catalog.replaceNamespace("infra", inBatches());
      expect(countRows(catalog, { namespace: "infra" })).toBe(0);
      expect(versionsOf(catalog, { namespace: "security" })).toEqual(["a@1", "a@2*"]);
      expect(versionsOf(catalog, { namespace: "" })).toEqual(["solo@1*"]);
    });

    test("replaceForeign swaps that namespace's rows wholesale, stamps them, and keeps the others", () => {
      seedRows(catalog, [
        catalogRow({ namespace: "infra", dataName: "deleted-upstream" }),
        catalogRow({ namespace: "", dataName: "own" }),
        catalogRow({ namespace: "security", dataName: "theirs" }),
      ]);
      catalog.replaceForeign(
        "infra",
        [
          catalogRow({ namespace: "infra", dataName: "vpc", isLatest: false }),
          catalogRow({ namespace: "elsewhere", dataName: "vpc", version: 2 }),
        ],
        "2026-02-01T00:00:00.000Z",
      );
      expect(versionsOf(catalog, { namespace: "infra" })).toEqual(["vpc@1", "vpc@2*"]);
      expect(countRows(catalog, { namespace: "elsewhere" })).toBe(0);
      expect(versionsOf(catalog, { namespace: "" })).toEqual(["own@1*"]);
      expect(versionsOf(catalog, { namespace: "security" })).toEqual(["theirs@1*"]);
      expect(catalog.foreignPulledAt("infra")).toBe("2026-02-01T00:00:00.000Z");
      expect(catalog.foreignPulledAt("security")).toBeNull();
    });

    test("foreign rows never count as a populated namespace, and survive the own namespace's rebuild", async () => {
      await catalog.replaceNamespace("infra", inBatches([catalogRow({ namespace: "infra" })]));
      catalog.replaceForeign("infra", [catalogRow({ namespace: "infra", dataName: "pulled" })], "t1");
      expect(catalog.isPopulated("infra")).toBe(false);
      await catalog.replaceNamespace("security", inBatches([catalogRow({ namespace: "security" })]));
      expect(versionsOf(catalog, { namespace: "infra" })).toEqual(["pulled@1*"]);
      expect(catalog.foreignPulledAt("infra")).toBe("t1");
    });

    test("replacing a large namespace again keeps the others' rows and every filter", () => {
      const many = (model: string) =>
        Array.from({ length: 6000 }, (_, i) =>
          catalogRow({ namespace: "infra", dataName: `d${i}`, modelName: model, modelId: model }),
        );
      seedRows(catalog, [catalogRow({ namespace: "security", dataName: "theirs" })]);
      catalog.replaceForeign("infra", many("vpc"), "t1");
      catalog.replaceForeign("infra", many("subnet"), "t2");
      expect(countRows(catalog, { namespace: "infra", modelName: "subnet" })).toBe(6000);
      expect(countRows(catalog, { modelName: "vpc" })).toBe(1);
      expect(versionsOf(catalog, { namespace: "security" })).toEqual(["theirs@1*"]);
    });

    test("a rebuild of a namespace from its data forgets when it was pulled", async () => {
      catalog.replaceForeign("infra", [catalogRow({ namespace: "infra" })], "t1");
      await catalog.replaceNamespace("infra", inBatches());
      expect(catalog.foreignPulledAt("infra")).toBeNull();
      expect(countRows(catalog, { namespace: "infra" })).toBe(0);
      expect(catalog.isPopulated("infra")).toBe(true);
    });

    test("the change cursor is none until set, then the last one set", () => {
      expect(catalog.changeCursor("")).toBeNull();
      catalog.setChangeCursor("", '{"id":"a","offset":1}');
      catalog.setChangeCursor("", '{"id":"a","offset":2}');
      expect(catalog.changeCursor("")).toBe('{"id":"a","offset":2}');
    });

    test("each namespace keeps its own change cursor", () => {
      catalog.setChangeCursor("", "solo-cursor");
      catalog.setChangeCursor("infra", "infra-cursor");
      expect(catalog.changeCursor("")).toBe("solo-cursor");
      expect(catalog.changeCursor("infra")).toBe("infra-cursor");
      expect(catalog.changeCursor("security")).toBeNull();
    });

    describe("kept content", () => {
      const bytes = (text: string) => new TextEncoder().encode(text);
      /** Each row's kept content as text ("-" for none), keyed `name@version`, in scan order. */
      const keptOf = (filter: CatalogFilter = {}) =>
        catalog
          .scanKept(filter, null, 1000)
          .rows.map(
            ({ row, content }) =>
              `${row.dataName}@${row.version}=${content === null ? "-" : new TextDecoder().decode(content)}`,
          );

      test("addVersion keeps the content given; scanKept pages like scan and scan is unchanged", () => {
        catalog.addVersion(catalogRow({ dataName: "a" }), bytes('{"n":1}'));
        catalog.addVersion(catalogRow({ dataName: "b" }));
        catalog.addVersion(catalogRow({ dataName: "c" }), null);
        expect(keptOf()).toEqual(['a@1={"n":1}', "b@1=-", "c@1=-"]);
        expect(keptOf({ dataName: "a" })).toEqual(['a@1={"n":1}']);
        const first = catalog.scanKept({}, null, 2);
        expect(first.rows.map(({ row }) => row)).toEqual(catalog.scan({}, null, 2).rows);
        expect(catalog.scanKept({}, first.next, 2).rows.map(({ row }) => row.dataName)).toEqual(["c"]);
      });

      test("keepContent lands on the row as read, never on one rewritten or removed since", () => {
        const a = catalogRow({ dataName: "a" });
        const b = catalogRow({ dataName: "b" });
        const gone = catalogRow({ dataName: "gone" });
        for (const row of [a, b, gone]) catalog.addVersion(row);
        catalog.replaceName(nameOf(b), [{ ...b, createdAt: "2026-02-02T00:00:00.000Z" }]);
        catalog.replaceName(nameOf(gone), []);
        catalog.keepContent([
          { row: a, content: bytes("A") },
          { row: b, content: bytes("B") },
          { row: gone, content: bytes("G") },
        ]);
        expect(keptOf()).toEqual(["a@1=A", "b@1=-"]);
        expect(countRows(catalog)).toBe(2);
      });

      test("a version removed, its name replaced or deleted, or written again drops what was kept", () => {
        const v1 = catalogRow({ version: 1 });
        const v2 = catalogRow({ version: 2 });
        catalog.addVersion(v1, bytes("1"));
        catalog.addVersion(v2, bytes("2"));
        catalog.addVersion(catalogRow({ dataName: "other" }), bytes("o"));
        catalog.removeVersion({ ...mainKey(), version: 2 });
        expect(keptOf()).toEqual(["main@1=1", "other@1=o"]);
        catalog.addVersion(v2, bytes("2"));
        catalog.addVersion(v2);
        expect(keptOf({ dataName: "main" })).toEqual(["main@1=1", "main@2=-"]);
        catalog.replaceName(mainKey(), [{ ...v1, isLatest: true }]);
        expect(keptOf({ dataName: "main" })).toEqual(["main@1=-"]);
        catalog.replaceName(mainKey("other"), []);
        catalog.addVersion(catalogRow({ dataName: "other" }));
        expect(keptOf({ dataName: "other" })).toEqual(["other@1=-"]);
      });

      test("a rebuild and a foreign pull write their rows with nothing kept", async () => {
        catalog.addVersion(catalogRow({ dataName: "own" }), bytes("x"));
        catalog.addVersion(catalogRow({ namespace: "infra", dataName: "theirs" }), bytes("y"));
        await catalog.replaceNamespace("", inBatches([catalogRow({ dataName: "own" })]));
        catalog.replaceForeign("infra", [catalogRow({ dataName: "theirs" })], "2026-01-01T00:00:00.000Z");
        expect(keptOf().sort()).toEqual(["own@1=-", "theirs@1=-"]);
      });

      test("the kept bytes come back as given, and a caller's copy cannot change them", () => {
        const given = new Uint8Array([0, 255, 10, 0x7b]);
        catalog.addVersion(catalogRow(), given);
        given[0] = 9;
        const [kept] = catalog.scanKept({}, null, 10).rows;
        expect([...(kept?.content ?? [])]).toEqual([0, 255, 10, 0x7b]);
      });
    });

    test("compact keeps the rows", () => {
      seedRows(
        catalog,
        Array.from({ length: 50 }, (_, i) => catalogRow({ dataName: `d${i}` })),
      );
      for (let i = 0; i < 40; i++) catalog.replaceName(mainKey(`d${i}`), []);
      const result = catalog.compact();
      expect(result.bytesReclaimed).toBeGreaterThanOrEqual(0);
      expect(result.logEntriesFolded).toBeLessThanOrEqual(result.logEntries);
      expect(countRows(catalog)).toBe(10);
    });
  });
}
