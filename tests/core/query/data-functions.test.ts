import { describe, expect, test } from "bun:test";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { SwampError } from "../../../core/errors.ts";
import type { CatalogRow } from "../../../core/ports/catalog.ts";
import { runQuery } from "../../../core/query/query-engine.ts";
import { planQuery } from "../../../core/query/query-plan.ts";
import { seedRows } from "../../conformance/catalog-suite.ts";
import { FakeContentReader, queryRow } from "../../support/query-rows.ts";

const vpc = (namespace: string, version: number, isLatest = true) =>
  queryRow({ namespace, version, isLatest, modelName: "vpc", dataName: "main" });
const tagged = (namespace: string, modelName: string, dataName: string, version: number, stepName = "") =>
  queryRow({
    namespace,
    modelName,
    dataName,
    version,
    isLatest: !(dataName === "a" && version === 1),
    stepName,
    specName: "subnet-spec",
    tags: { type: "resource", env: "prod" },
  });

/** Repo "infra"; vpc/main exists in infra (v1..v3), prod and solo; subnets are tagged env=prod. */
function world(ownNamespace = "infra") {
  const catalog = new MemoryCatalog();
  const content = new FakeContentReader();
  const rows: CatalogRow[] = [
    vpc("infra", 1, false),
    vpc("infra", 2, false),
    vpc("infra", 3),
    vpc("prod", 1),
    vpc("", 1),
    tagged("infra", "subnet", "a", 1),
    tagged("infra", "subnet", "a", 2),
    tagged("infra", "subnet", "b", 1, "step-1"),
    tagged("prod", "subnet", "c", 1),
    queryRow({ namespace: "infra", modelName: "subnet", dataName: "untagged" }),
  ];
  seedRows(catalog, rows);
  for (const row of rows) content.set(row, { cidr: `${row.namespace || "solo"}-${row.version}` });
  /** Evaluates `select` once (on the first matching row). */
  const select = async (expression: string) => {
    const outcome = await runQuery({
      catalog,
      content,
      ownNamespace,
      plan: planQuery("true", expression),
      limit: 1,
    });
    return outcome.results[0];
  };
  return { catalog, content, select, ownNamespace };
}

describe("data.latest / data.version / data.listVersions", () => {
  test("a bare model resolves in the own namespace", async () => {
    const { select } = world();
    expect(await select('data.latest("vpc", "main").attributes.cidr')).toBe("infra-3");
    expect(await select('data.latest("vpc", "main").version')).toBe(3);
    expect(await select('data.version("vpc", "main", 2).attributes.cidr')).toBe("infra-2");
    expect(await select('data.listVersions("vpc", "main")')).toEqual([1, 2, 3]);
  });

  test("in solo mode a bare model is the solo data", async () => {
    const { select } = world("");
    expect(await select('data.latest("vpc", "main").attributes.cidr')).toBe("solo-1");
    expect(await select('data.latest("vpc", "main").namespace')).toBe("");
  });

  test("ns:model picks that namespace", async () => {
    const { select } = world();
    expect(await select('data.latest("prod:vpc", "main").attributes.cidr')).toBe("prod-1");
    expect(await select('data.listVersions("prod:vpc", "main")')).toEqual([1]);
    expect(await select('data.version("prod:vpc", "main", 3)')).toBeNull();
  });

  test("*:model works when one namespace has it and is ambiguous otherwise", async () => {
    const { select } = world();
    expect(await select('data.latest("*:subnet", "a").version')).toBe(2);
    const err = await select('data.latest("*:vpc", "main")').catch((e) => e);
    expect(err).toBeInstanceOf(SwampError);
    expect((err as SwampError).message).toStartWith(
      'Ambiguous: "vpc" exists in namespaces [(solo), infra, prod], qualify with a namespace prefix',
    );
    await expect(select('data.listVersions("*:vpc", "main")')).rejects.toThrow(/Ambiguous/);
  });

  test("missing data is null and null-safe chaining falls back", async () => {
    const { select } = world();
    expect(await select('data.latest("vpc", "nope")')).toBeNull();
    expect(await select('data.latest("vpc", "nope").?attributes.?cidr.orValue("none")')).toBe("none");
    expect(await select('data.latest("vpc", "main").?attributes.?missing.orValue("none")')).toBe("none");
    expect(await select('data.latest("vpc", "main").?attributes.?cidr.orValue("none")')).toBe("infra-3");
    expect(await select('data.listVersions("vpc", "nope")')).toEqual([]);
  });
});

describe("data.findByTag / data.findBySpec", () => {
  test("findByTag stays in the own namespace and keeps the newest per (model, name, step)", async () => {
    const { select } = world();
    const found = (await select(
      'data.findByTag("env", "prod").map(r, [r.namespace, r.name, r.version])',
    )) as unknown[];
    expect(found).toEqual([
      ["infra", "a", 2],
      ["infra", "b", 1],
    ]);
    expect(await select('data.findByTag("infra:env", "prod")')).toEqual([]);
  });

  test("findBySpec routes the model and dedupes the same way", async () => {
    const { select } = world();
    expect(
      await select('data.findBySpec("subnet", "subnet-spec").map(r, r.name + "@" + string(r.version))'),
    ).toEqual(["a@2", "b@1"]);
    expect(await select('data.findBySpec("prod:subnet", "subnet-spec").map(r, r.name)')).toEqual(["c"]);
    await expect(select('data.findBySpec("*:subnet", "subnet-spec")')).rejects.toThrow(/Ambiguous/);
  });
});

describe("data.query", () => {
  test("spans every namespace, with implicit latest and optional select", async () => {
    const { select } = world();
    expect(await select('data.query("modelName == \\"vpc\\"", "ns")')).toEqual(["infra", "prod", ""]);
    expect(
      await select('data.query("modelName == \\"vpc\\" && ns == \\"infra\\"").map(r, r.version)'),
    ).toEqual([3]);
    expect(await select('size(data.query("modelName == \\"vpc\\" && version > 0"))')).toBe(5);
  });

  test("an invalid nested predicate aborts the query with its message", async () => {
    const { select } = world();
    await expect(select('data.query("nope == 1")')).rejects.toThrow(/Unknown field "nope"/);
  });
});

describe("in predicates", () => {
  test("data.* inside a predicate is evaluated once per command, not once per row", async () => {
    const { catalog, content, ownNamespace } = world();
    const plan = planQuery(
      'modelName == "subnet" && data.latest("vpc", "main").attributes.cidr == "infra-3"',
    );
    const outcome = await runQuery({ catalog, content, ownNamespace, plan });
    expect(outcome.total).toBe(4);
    // One read for data.latest across all rows, then one per JSON result for the output.
    expect(content.reads).toBe(1 + 4);
  });

  test("the plain predicate path stays synchronous per row and ignores data", async () => {
    const { catalog, content, ownNamespace } = world();
    const outcome = await runQuery({ catalog, content, ownNamespace, plan: planQuery('modelName == "vpc"') });
    expect(outcome.total).toBe(3);
    expect(content.reads).toBe(3);
  });
});
