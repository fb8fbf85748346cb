import { describe, expect, test } from "bun:test";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import type { CatalogRow } from "../../../core/ports/catalog.ts";
import { KEPT_CONTENT_MAX_BYTES, keptContentOf } from "../../../core/query/kept-content.ts";
import { runQuery } from "../../../core/query/query-engine.ts";
import { planQuery } from "../../../core/query/query-plan.ts";
import { FakeContentReader, queryRow } from "../../support/query-rows.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const big = JSON.stringify({ n: 7, pad: "x".repeat(KEPT_CONTENT_MAX_BYTES) });

/** Rows of every kind, with their content (what the data holds) and its size. */
const WORLD: { row: CatalogRow; content: string }[] = [
  { row: queryRow({ dataName: "small" }), content: '{"n":1,"env":"prod"}' },
  { row: queryRow({ dataName: "also" }), content: '{"n":9,"env":"dev"}' },
  { row: queryRow({ dataName: "big" }), content: big },
  { row: queryRow({ dataName: "bin", contentType: "application/octet-stream" }), content: '{"n":1}' },
  { row: queryRow({ dataName: "text", contentType: "text/plain" }), content: "n is 1" },
  { row: queryRow({ dataName: "yaml", contentType: "application/yaml" }), content: "n: 1" },
  { row: queryRow({ dataName: "broken" }), content: '{"n' },
  { row: queryRow({ dataName: "empty" }), content: "" },
  { row: queryRow({ namespace: "infra", dataName: "theirs" }), content: '{"n":1,"env":"prod"}' },
].map(({ row, content }) => ({ row: { ...row, size: bytes(content).length }, content }));

const PREDICATES = [
  "attributes.n == 1",
  "attributes.n > 5",
  'attributes.env == "prod" && ns == ""',
  'content == "n is 1"',
  "has(attributes.env)",
  'content == "{\\"n"',
  "size(string(content)) > 0",
  "attributes == {}",
  "true",
];

/**
 * A catalog holding WORLD's rows: `kept` says which of the repo's own rows get their content kept
 * as a `data put` would (the rest are as a backfill leaves them); a reader that holds every row's
 * content.
 */
function world(kept: (name: string) => boolean) {
  const catalog = new MemoryCatalog();
  const content = new FakeContentReader();
  for (const { row, content: text } of WORLD) {
    content.set(row, text);
    // Only the repo's own rows are written (and kept) here; another namespace's are pulled.
    const keep = row.namespace === "" && kept(row.dataName);
    catalog.addVersion(row, keep ? keptContentOf(row.contentType, row.size, bytes(text)) : null);
  }
  const query = (predicate: string, select?: string) =>
    runQuery({ catalog, content, ownNamespace: "", keeper: catalog, plan: planQuery(predicate, select) });
  return { catalog, content, query };
}

describe("kept content", () => {
  test("keeps small textual content of the version's size only: not binary, not larger than the limit", () => {
    const max = KEPT_CONTENT_MAX_BYTES;
    expect(keptContentOf("application/json", 2, bytes("{}"))).toEqual(bytes("{}"));
    expect(keptContentOf("text/plain", 1, bytes("x"))).toEqual(bytes("x"));
    expect(keptContentOf("application/json", max, new Uint8Array(max))).not.toBeNull();
    expect(keptContentOf("application/json", max + 1, new Uint8Array(max + 1))).toBeNull();
    expect(keptContentOf("application/octet-stream", 2, bytes("{}"))).toBeNull();
    expect(keptContentOf("application/json", 0, null)).toBeNull();
    expect(keptContentOf("application/json", 3, bytes("{}"))).toBeNull();
  });

  test("a file whose length is not the version's size is answered from, but not kept", async () => {
    const { catalog, content, query } = world(() => false);
    const small = WORLD[0]?.row as CatalogRow;
    content.set(small, '{"n":1,"changed":true}');
    const outcome = await query("has(attributes.changed)");
    expect(outcome.kind === "records" && outcome.results.map((r) => r.name)).toEqual(["small"]);
    const kept = catalog.scanKept({ dataName: "small" }, null, 10).rows;
    expect(kept.map((entry) => entry.content)).toEqual([null]);
  });

  test("a query answers the same from kept content, from files, and from a mix of both", async () => {
    const fromFiles = world(() => false);
    const fromCatalog = world(() => true);
    const mixed = world((name) => name === "small" || name === "text");
    for (const predicate of PREDICATES) {
      const expected = await fromFiles.query(predicate);
      expect(expected.total).toBeGreaterThan(0);
      expect({ predicate, outcome: await fromCatalog.query(predicate) }).toEqual({
        predicate,
        outcome: expected,
      });
      expect({ predicate, outcome: await mixed.query(predicate) }).toEqual({ predicate, outcome: expected });
      const selected = await fromFiles.query(predicate, "{'a': attributes, 'c': content}");
      expect(await fromCatalog.query(predicate, "{'a': attributes, 'c': content}")).toEqual(selected);
    }
  });

  test("content kept for every row it may be is not read again; large and foreign content is", async () => {
    const { content, query } = world(() => true);
    await query("attributes.n == 1");
    // The large record and the other namespace's are read; binary content is never needed.
    expect(content.reads).toBe(2);
  });

  test("the first query keeps what it read of the repo's own rows; the next one reads only the rest", async () => {
    const { catalog, content, query } = world(() => false);
    const first = await query("attributes.n >= 1");
    const ownTextual = WORLD.filter(({ row }) => row.namespace === "" && row.dataName !== "bin").length;
    expect(content.reads).toBe(ownTextual + 1);
    content.reads = 0;
    expect(await query("attributes.n >= 1")).toEqual(first);
    expect(content.reads).toBe(2);
    const kept = catalog.scanKept({}, null, 100).rows.filter((entry) => entry.content !== null);
    expect(kept.map(({ row }) => row.dataName).sort()).toEqual([
      "also",
      "broken",
      "empty",
      "small",
      "text",
      "yaml",
    ]);
  });

  test("matches of a predicate without content print their kept content without reading it", async () => {
    const { content, query } = world((name) => name === "small");
    const outcome = await query('name == "small" || name == "also"');
    expect(outcome.kind === "records" && outcome.results.map((r) => r.content)).toEqual([
      { n: 1, env: "prod" },
      { n: 9, env: "dev" },
    ]);
    expect(content.reads).toBe(1);
  });

  test("content that changed under a row after the read is not kept for the rewritten row", async () => {
    const { catalog, content, query } = world(() => false);
    const small = WORLD[0]?.row as CatalogRow;
    const read = content.read.bind(content);
    content.read = async (row) => {
      if (row.dataName === "small")
        catalog.replaceName({ namespace: "", type: row.typeNormalized, id: row.modelId, name: "small" }, [
          { ...small, createdAt: "2026-03-03T00:00:00.000Z" },
        ]);
      return read(row);
    };
    await query('name == "small" && attributes.n == 1');
    expect(catalog.scanKept({ dataName: "small" }, null, 10).rows.map((entry) => entry.content)).toEqual([
      null,
    ]);
  });
});
