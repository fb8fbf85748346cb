import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ForeignContentReader } from "../../../adapters/content/foreign-content-reader.ts";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { FsObjectStore } from "../../../adapters/fs/fs-object-store.ts";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { systemClock } from "../../../adapters/system/system-clock.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { CatalogRow } from "../../../core/ports/catalog.ts";
import type { ContentReader } from "../../../core/ports/content-reader.ts";
import type { ObjectStore } from "../../../core/ports/object-store.ts";
import { foreignContentKey } from "../../../core/query/foreign-content.ts";
import { runQuery } from "../../../core/query/query-engine.ts";
import { planQuery } from "../../../core/query/query-plan.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";
import { FakeContentReader, queryRow } from "../../support/query-rows.ts";

const ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const infra = (dataName: string, x: number | null, overrides: Partial<CatalogRow> = {}) => ({
  row: queryRow({ namespace: "infra", modelId: ID, dataName, ...overrides }),
  x,
});

/** A bucket holding infra's vpc records (x = null: the catalog has the row, the bucket not its raw). */
async function bucket(records: { row: CatalogRow; x: number | null }[]) {
  const inner = new MemoryObjectStore(new FakeClock());
  for (const { row, x } of records) {
    const key = foreignContentKey(row);
    if (key.ok && x !== null) await inner.put(key.key, new TextEncoder().encode(JSON.stringify({ x })));
  }
  const gets: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const store: ObjectStore = passThrough(inner, {
    get: async (key) => {
      gets.push(key);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return inner.get(key);
    },
    put: () => {
      throw new Error("the foreign reader never writes");
    },
  });
  return { store, gets, maxInFlight: () => maxInFlight };
}

describe("ForeignContentReader", () => {
  test("reads each key once, misses included, with bounded concurrency", async () => {
    const records = Array.from({ length: 40 }, (_, i) => infra(`n${i}`, i));
    const gone = infra("gone", null);
    const { store, gets, maxInFlight } = await bucket([...records, gone]);
    const reader = new ForeignContentReader(store, 4);
    const reads = [...records, ...records, gone, gone].map(({ row }) => reader.read(row));
    const bodies = await Promise.all(reads);
    expect(new TextDecoder().decode(bodies[3] ?? new Uint8Array())).toBe('{"x":3}');
    expect(bodies.at(-1)).toBeNull();
    expect(gets).toHaveLength(41);
    expect(maxInFlight()).toBe(4);
    expect(reader.ledger.warnings()).toHaveLength(1);
  });

  test("a hostile row is refused without a request and reported", async () => {
    const { store, gets } = await bucket([]);
    const reader = new ForeignContentReader(store);
    expect(await reader.read(queryRow({ namespace: "infra", modelId: ID, dataName: ".." }))).toBeNull();
    expect(gets).toEqual([]);
    expect(reader.ledger.warnings()[0]).toContain('namespace "infra"');
  });

  test("a store error is a failed read, not a failed query", async () => {
    const { store } = await bucket([]);
    const failing = passThrough(store, {
      get: () => Promise.reject(new Error("connection reset")),
    });
    const reader = new ForeignContentReader(failing);
    expect(await reader.read(infra("a", 1).row)).toBeNull();
    expect(reader.ledger.warnings()[0]).toContain("connection reset");
  });
});

describe("on a folder datastore", () => {
  test("another namespace's content is read where its repo wrote it: {path}/{ns}/data/…", async () => {
    const root = mkdtempSync(join(tmpdir(), "swamp-foreign-"));
    try {
      const model = { type: "aws/ec2/vpc", id: ID, name: "vpc" };
      const writer = new FsDataRepository(join(root, "infra"), { clock: systemClock, host: systemHost() });
      await writer.write(model, "main", new TextEncoder().encode('{"x":7}'), {
        contentType: "application/json",
        lifetime: "infinite",
        garbageCollection: 10,
        streaming: false,
        tags: { type: "resource" },
        ownerDefinition: { ownerType: "manual", ownerRef: "test" },
      });
      const reader = new ForeignContentReader(new FsObjectStore(root, systemClock));
      const body = await reader.read(infra("main", 7).row);
      expect(new TextDecoder().decode(body ?? new Uint8Array())).toBe('{"x":7}');
      expect(await reader.read(infra("main", 7, { version: 2 }).row)).toBeNull();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a query over own and foreign rows", () => {
  async function world() {
    const records = [
      infra("a", 1),
      infra("b", 2),
      infra("gone", null),
      infra("c", 1, { modelName: "subnet" }),
    ];
    const { store, gets } = await bucket(records);
    const catalog = new MemoryCatalog();
    const own = queryRow({ namespace: "sec", dataName: "mine" });
    catalog.addVersion(own);
    await catalog.replaceNamespace(
      "infra",
      (async function* () {
        yield records.map(({ row }) => row);
      })(),
    );
    const ownContent = new FakeContentReader().set(own, { x: 1 });
    const foreign = new ForeignContentReader(store);
    const content: ContentReader = {
      read: (row) => (row.namespace === "sec" ? ownContent.read(row) : foreign.read(row)),
    };
    const query = (predicate: string, select?: string) =>
      runQuery({ catalog, content, ownNamespace: "sec", plan: planQuery(predicate, select) });
    return { query, gets, foreign };
  }

  test("a predicate on foreign attributes matches after the content is fetched", async () => {
    const { query, gets, foreign } = await world();
    const outcome = await query('ns == "infra" && modelName == "vpc" && attributes.x == 1');
    expect(outcome.results.map((r) => (r as { name: string }).name)).toEqual(["a"]);
    // Only infra's vpc records were read; the missing one counts as not matching, reported once.
    expect(gets.sort()).toEqual(
      ["a", "b", "gone"].map((name) => `infra/data/aws/ec2/vpc/${ID}/${name}/1/raw`),
    );
    expect(foreign.ledger.warnings()).toHaveLength(1);
    foreign.ledger.assertSomeSucceeded();
  });

  test("--select and data.* read foreign content through the same memo", async () => {
    const { query, gets } = await world();
    const selected = await query('ns == "infra" && name == "b"', "attributes.x");
    expect(selected.results).toEqual([2]);
    const routed = await query('name == "mine" && data.latest("infra:vpc", "b").attributes.x == 2');
    expect(routed.results).toHaveLength(1);
    expect(gets.filter((key) => key.includes("/b/"))).toHaveLength(1);
  });

  test("own records are read from this repo's content, never from the bucket", async () => {
    const { query, gets } = await world();
    const outcome = await query('ns == "sec" && attributes.x == 1');
    expect(outcome.results).toHaveLength(1);
    expect(gets).toEqual([]);
  });
});
