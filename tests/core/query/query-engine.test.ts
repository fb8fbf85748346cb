import { describe, expect, test } from "bun:test";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import type {
  CatalogCursor,
  CatalogFilter,
  CatalogPage,
  CatalogRow,
  CatalogSlice,
  KeptRow,
} from "../../../core/ports/catalog.ts";
import { type QueryOutcome, runQuery } from "../../../core/query/query-engine.ts";
import { planQuery } from "../../../core/query/query-plan.ts";
import { FakeContentReader, queryRow } from "../../support/query-rows.ts";
import { RECORD_JSON_KEYS } from "../../support/record-keys.ts";

function setup(rows: CatalogRow[], ownNamespace = "") {
  const catalog = new MemoryCatalog();
  const content = new FakeContentReader();
  for (const row of rows) catalog.addVersion(row);
  const query = (predicate: string, select?: string, limit?: number): Promise<QueryOutcome> =>
    runQuery({ catalog, content, ownNamespace, plan: planQuery(predicate, select), limit });
  const names = async (predicate: string) => {
    const outcome = await query(predicate);
    if (outcome.kind !== "records") throw new Error("expected records");
    return outcome.results.map((r) => `${r.namespace}:${r.modelName}/${r.name}@${r.version}`);
  };
  return { catalog, content, query, names };
}

describe("records", () => {
  test("implicit latest hides older versions unless the predicate reads version or isLatest", async () => {
    const { names } = setup([queryRow({ version: 1 }), queryRow({ version: 2 })]);
    expect(await names("size > 0")).toEqual([":vpc/main@2"]);
    expect(await names('name != "version"')).toEqual([":vpc/main@2"]);
    expect(await names("version >= 1")).toEqual([":vpc/main@1", ":vpc/main@2"]);
    expect(await names("!isLatest")).toEqual([":vpc/main@1"]);
  });

  test("results have the DataRecord fields; content follows the JSON output rules", async () => {
    const json = queryRow({ dataName: "j" });
    const text = queryRow({ dataName: "t", contentType: "text/plain" });
    const bin = queryRow({ dataName: "b", contentType: "application/octet-stream" });
    const { query, content } = setup([json, text, bin]);
    content.set(json, { cidr: "10.0.0.0/16" }).set(text, "hello").set(bin, "zz");
    const outcome = await query("true");
    expect(outcome.kind).toBe("records");
    if (outcome.kind !== "records") return;
    const [j, t, b] = outcome.results;
    expect(j).toMatchObject({
      id: "vpc-j",
      name: "j",
      version: 1,
      isLatest: true,
      namespace: "",
      modelName: "vpc",
      modelId: "id-vpc",
      modelType: "aws/ec2/vpc",
      size: 100,
      attributes: { cidr: "10.0.0.0/16" },
      content: { cidr: "10.0.0.0/16" },
    });
    expect(Object.keys(j ?? {}).sort()).toEqual([...RECORD_JSON_KEYS].sort());
    expect(t).toMatchObject({ attributes: {}, content: "" });
    expect(b).toMatchObject({ attributes: {}, content: "" });
    // Only the JSON record's bytes were needed for the output.
    expect(content.reads).toBe(1);
  });

  test("content is not read for predicates that do not reference it", async () => {
    const rows = [
      queryRow({ dataName: "a", contentType: "text/plain" }),
      queryRow({ dataName: "b", contentType: "text/plain" }),
    ];
    const { query, content } = setup(rows);
    await query("size > 0");
    expect(content.reads).toBe(0);
    await query('content == "x"');
    expect(content.reads).toBe(2);
  });

  test("attributes and content in predicates", async () => {
    const a = queryRow({ dataName: "a" });
    const b = queryRow({ dataName: "b" });
    const t = queryRow({ dataName: "t", contentType: "text/yaml" });
    const { names, content } = setup([a, b, t]);
    content.set(a, { cidr: "10.0.0.0/16", n: 3 }).set(b, { n: 1 }).set(t, "key: value\n");
    expect(await names('attributes.cidr == "10.0.0.0/16"')).toEqual([":vpc/a@1"]);
    expect(await names("attributes.n > 2")).toEqual([":vpc/a@1"]);
    expect(await names('content.contains("key: value")')).toEqual([":vpc/t@1"]);
    expect(await names("has(content.n)")).toEqual([":vpc/a@1", ":vpc/b@1"]);
  });

  test("a row whose evaluation throws is skipped", async () => {
    const a = queryRow({ dataName: "a" });
    const b = queryRow({ dataName: "b" });
    const { names, content } = setup([a, b]);
    content.set(a, { x: 1 }).set(b, { y: 1 });
    expect(await names("attributes.x == 1")).toEqual([":vpc/a@1"]);
    expect(await names("attributes.x == 1 || size > 0")).toEqual([":vpc/a@1", ":vpc/b@1"]);
  });

  test("content is read only for the rows the predicate cannot decide without it", async () => {
    const rows = ["", "infra", "net"].flatMap((namespace) =>
      [1, 2].map((x) => queryRow({ namespace, dataName: `${namespace || "solo"}-${x}`, size: x * 100 })),
    );
    const { names, query, content } = setup(rows);
    for (const row of rows) content.set(row, { x: row.size / 100 });
    expect(await names('ns in ["infra"] && attributes.x == 1')).toEqual(["infra:vpc/infra-1@1"]);
    expect(content.reads).toBe(2);
    content.reads = 0;
    // Rows with size > 100 match without their content; the others need it.
    expect((await query("size > 100 || attributes.x == 1", "name")).results).toHaveLength(6);
    expect(content.reads).toBe(3);
    content.reads = 0;
    // An error the content could outweigh leaves the row undecided: it is read.
    expect(await names('(size / 0 == 1 || attributes.x == 2) && ns == "net"')).toEqual(["net:vpc/net-2@1"]);
    expect(content.reads).toBe(2);
  });

  test('ns == "" matches solo data; ns pushdown picks one namespace', async () => {
    const { names } = setup([queryRow(), queryRow({ namespace: "infra" })]);
    expect(await names('ns == ""')).toEqual([":vpc/main@1"]);
    expect(await names('ns == "infra"')).toEqual(["infra:vpc/main@1"]);
    expect(await names('modelName == "vpc"')).toEqual([":vpc/main@1", "infra:vpc/main@1"]);
  });

  test("paging crosses the 1000-row page boundary", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => queryRow({ dataName: `d${i}`, size: i }));
    const { query } = setup(rows);
    const outcome = await query("size % 2 == 0");
    expect(outcome.total).toBe(1250);
    expect(outcome.limited).toBe(false);
  });
});

describe("limit", () => {
  test("stops at the limit and says so", async () => {
    const rows = Array.from({ length: 5 }, (_, i) => queryRow({ dataName: `d${i}` }));
    const { query } = setup(rows);
    expect(await query("true", undefined, 2)).toMatchObject({ total: 2, limited: true });
    expect(await query("true", undefined, 10)).toMatchObject({ total: 5, limited: false });
    expect(await query("true")).toMatchObject({ total: 5, limited: false });
  });
});

describe("select", () => {
  test("projects values, converts BigInt to numbers, and yields null where the projection fails", async () => {
    const a = queryRow({ dataName: "a", size: 7 });
    const b = queryRow({ dataName: "b", size: 9 });
    const { query, content } = setup([a, b]);
    content.set(a, { x: { deep: 1 } }).set(b, {});
    expect(await query("true", "size * 2")).toEqual({
      kind: "select",
      results: [14, 18],
      total: 2,
      limited: false,
    });
    expect((await query("true", '{"n": name, "v": [version, 1u]}')).results).toEqual([
      { n: "a", v: [1, 1] },
      { n: "b", v: [1, 1] },
    ]);
    expect((await query("true", "attributes.x")).results).toEqual([{ deep: 1 }, null]);
    expect((await query("true", 'timestamp("2026-01-02T03:04:05Z")')).results[0]).toBe(
      "2026-01-02T03:04:05.000Z",
    );
  });
});

/** A MemoryCatalog that records which fields each slice scan read and how many whole rows were read. */
class RecordingCatalog extends MemoryCatalog {
  sliceFields: string[][] = [];
  wholeRows = 0;
  override scanFields<F extends keyof CatalogRow>(
    filter: CatalogFilter,
    fields: readonly F[],
    after: CatalogCursor | null,
    limit: number,
  ): CatalogPage<CatalogSlice<F>> {
    this.sliceFields.push([...fields].sort());
    return super.scanFields(filter, fields, after, limit);
  }
  override scan(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<CatalogRow> {
    const page = super.scan(filter, after, limit);
    this.wholeRows += page.rows.length;
    return page;
  }
  override scanKept(filter: CatalogFilter, after: CatalogCursor | null, limit: number): CatalogPage<KeptRow> {
    const page = super.scanKept(filter, after, limit);
    this.wholeRows += page.rows.length;
    return page;
  }
}

describe("reading only what the predicate needs", () => {
  function recorded(rows: CatalogRow[]) {
    const catalog = new RecordingCatalog();
    const content = new FakeContentReader();
    for (const row of rows) catalog.addVersion(row);
    const query = (predicate: string, select?: string, limit?: number) =>
      runQuery({ catalog, content, ownNamespace: "", plan: planQuery(predicate, select), limit });
    return { catalog, content, query };
  }
  const rows = Array.from({ length: 30 }, (_, i) => queryRow({ dataName: `d${i}`, size: i }));

  test("the predicate's fields are read for every row, whole rows only for the matches", async () => {
    const { catalog, query } = recorded(rows);
    const outcome = await query('size >= 25 && ns == "" && name != "x" && modelType != ""');
    expect(outcome.results.map((r) => (r as { name: string }).name)).toEqual([
      "d25",
      "d26",
      "d27",
      "d28",
      "d29",
    ]);
    expect(catalog.sliceFields).toEqual([["dataName", "namespace", "size", "typeNormalized"]]);
    expect(catalog.wholeRows).toBe(5);
  });

  test("no match reads no whole row; a data-only predicate reads no field", async () => {
    const { catalog, query } = recorded(rows);
    expect((await query("size < 0")).total).toBe(0);
    expect(catalog.wholeRows).toBe(0);
    await query('data.listVersions("vpc", "d1").size() == 1');
    expect(catalog.sliceFields.at(-1)).toEqual([]);
    // The 30 matches, and the one row data.listVersions looked up.
    expect(catalog.wholeRows).toBe(31);
  });

  test("a limit stops evaluating and fetching once reached", async () => {
    const { catalog, query } = recorded(rows);
    expect(await query("size >= 0", undefined, 3)).toMatchObject({ total: 3, limited: true });
    expect(catalog.wholeRows).toBe(3);
  });

  test("content read only by --select is loaded for the matches alone", async () => {
    const { content, query } = recorded(rows);
    for (const row of rows) content.set(row, { n: row.size });
    expect((await query("size < 2", "attributes.n")).results).toEqual([0, 1]);
    expect(content.reads).toBe(2);
  });

  test("a row that stopped being latest after its fields were read is left out", async () => {
    const { catalog, query } = recorded(rows.slice(0, 3));
    const scanFields = catalog.scanFields.bind(catalog);
    catalog.scanFields = (filter, fields, after, limit) => {
      const page = scanFields(filter, fields, after, limit);
      catalog.addVersion(queryRow({ dataName: "d1", size: 1, version: 2 }));
      return page;
    };
    const outcome = await query("size >= 0");
    expect(outcome.results.map((r) => (r as { name: string }).name)).toEqual(["d0", "d2"]);
  });
});
