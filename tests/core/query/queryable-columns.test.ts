// Every queryable column of core/catalog-columns.ts reaches queries: a CEL type, a row field, a value
// in the CEL context and in records, and a predicate that reads it over either catalog.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { SqliteCatalog } from "../../../adapters/sqlite/sqlite-catalog.ts";
import { CATALOG_COLUMNS, QUERYABLE_FIELDS, type QueryableField } from "../../../core/catalog-columns.ts";
import type { Catalog, CatalogNameKey, CatalogRow } from "../../../core/ports/catalog.ts";
import {
  CEL_TYPES,
  isBuiltinIdentifier,
  RECORD_FIELD_TYPES,
  RECORD_FIELDS,
} from "../../../core/query/cel-environment.ts";
import type { DataFunctions } from "../../../core/query/data-functions.ts";
import { runQuery } from "../../../core/query/query-engine.ts";
import { planQuery } from "../../../core/query/query-plan.ts";
import { toCelRecord, toDataRecord } from "../../../core/query/query-record.ts";
import { RecordContext, ROW_FIELD } from "../../../core/query/record-context.ts";
import { distinctRow } from "../../support/distinct-row.ts";
import { FakeContentReader } from "../../support/query-rows.ts";
import { RECORD_JSON_KEYS } from "../../support/record-keys.ts";

const celName = (field: QueryableField): string => CATALOG_COLUMNS[field].cel;
const recordKey = (field: QueryableField): string => {
  const column = CATALOG_COLUMNS[field];
  return "recordKey" in column ? column.recordKey : column.cel;
};
const CONTENT_FIELDS = ["attributes", "content"];

/** A CEL literal of a row field's value. */
function celLiteral(value: unknown): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{${entries.join(", ")}}`;
}

const nameOf = (r: CatalogRow): CatalogNameKey => ({
  namespace: r.namespace,
  type: r.typeNormalized,
  id: r.modelId,
  name: r.dataName,
});

describe("queryable columns", () => {
  test("each has the CEL type of its storage, its row field, and a name no other identifier has", () => {
    const names = QUERYABLE_FIELDS.map(celName);
    for (const field of QUERYABLE_FIELDS) {
      const name = celName(field);
      expect({ name, type: RECORD_FIELD_TYPES[name as keyof typeof RECORD_FIELD_TYPES] }).toEqual({
        name,
        type: CEL_TYPES[CATALOG_COLUMNS[field].storage],
      });
      expect({ name, field: ROW_FIELD[name as keyof typeof ROW_FIELD] }).toEqual({ name, field });
      expect({ name, builtin: isBuiltinIdentifier(name) }).toEqual({ name, builtin: false });
    }
    expect(new Set([...names, ...CONTENT_FIELDS, "data"]).size).toBe(names.length + 3);
    expect([...RECORD_FIELDS] as string[]).toEqual([...names, ...CONTENT_FIELDS].sort());
    const keys = QUERYABLE_FIELDS.map(recordKey);
    expect(new Set([...keys, ...CONTENT_FIELDS]).size).toBe(keys.length + 2);
  });

  test("the CEL context gives each root identifier, integers as BigInt", () => {
    const row = distinctRow();
    const context = new RecordContext(row, { attributes: { a: 1 }, content: "c" }, {} as DataFunctions);
    const read = context as unknown as Record<string, unknown>;
    for (const field of QUERYABLE_FIELDS) {
      const value = CATALOG_COLUMNS[field].storage === "integer" ? BigInt(row[field] as number) : row[field];
      expect({ name: celName(field), value: read[celName(field)] }).toEqual({ name: celName(field), value });
    }
    expect([read.attributes, read.content]).toEqual([{ a: 1 }, "c"]);
    for (const name of RECORD_FIELDS) expect(name in context).toBe(true);
  });

  test("records hold each column under its key, after the keys in the order JSON output has always had", () => {
    const row = distinctRow();
    const record = toDataRecord(row, { attributes: { a: 1 }, content: "c" }) as unknown as Record<
      string,
      unknown
    >;
    const celRecord = toCelRecord(row, { attributes: { a: 1 }, content: "c" }) as unknown as Record<
      string,
      unknown
    >;
    for (const field of QUERYABLE_FIELDS) {
      const key = recordKey(field);
      expect({ key, value: record[key] }).toEqual({ key, value: row[field] });
      const celValue =
        CATALOG_COLUMNS[field].storage === "integer" ? BigInt(row[field] as number) : row[field];
      expect({ key, value: celRecord[key] }).toEqual({ key, value: celValue });
    }
    expect(Object.keys(record).slice(0, RECORD_JSON_KEYS.length)).toEqual([...RECORD_JSON_KEYS]);
    expect(Object.keys(celRecord)).toEqual(Object.keys(record));
    expect(Object.keys(record).sort()).toEqual(
      [...QUERYABLE_FIELDS.map(recordKey), ...CONTENT_FIELDS].sort(),
    );
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const catalogs: [string, () => Promise<Catalog>][] = [
    ["memory", async () => new MemoryCatalog()],
    [
      "sqlite",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "swamp-columns-"));
        dirs.push(dir);
        return SqliteCatalog.open(join(dir, "_catalog.db"));
      },
    ],
  ];
  for (const [kind, open] of catalogs) {
    test(`a predicate on each one finds its row, and --select reads it, over the ${kind} catalog`, async () => {
      const catalog = await open();
      // Two rows differing in every field; reading isLatest lifts the implicit latest-only filter.
      const rows = [distinctRow(0), distinctRow(1)];
      for (const row of rows) catalog.replaceName(nameOf(row), [row]);
      const content = new FakeContentReader();
      const query = (predicate: string, select?: string) =>
        runQuery({ catalog, content, ownNamespace: "", plan: planQuery(predicate, select) });
      for (const field of QUERYABLE_FIELDS) {
        for (const row of rows) {
          const predicate = `${celName(field)} == ${celLiteral(row[field])} && (isLatest || !isLatest)`;
          const records = await query(predicate);
          expect({ predicate, ids: records.results.map((r) => (r as { id: string }).id) }).toEqual({
            predicate,
            ids: [row.id],
          });
          const selected = await query(predicate, celName(field));
          expect({ predicate, selected: selected.results }).toEqual({ predicate, selected: [row[field]] });
        }
      }
      expect(content.reads).toBe(0);
      catalog.close();
    });
  }
});
