import { describe, expect, test } from "bun:test";
import { CATALOG_COLUMNS, CATALOG_FIELDS } from "../../core/catalog-columns.ts";
import {
  decodeExportManifest,
  decodeExportPart,
  encodeExportPart,
  exportManifest,
  exportPartPath,
  isExportPart,
  MalformedExport,
} from "../../core/catalog-export.ts";
import { catalogRow } from "../conformance/catalog-suite.ts";
import { distinctRow } from "../support/distinct-row.ts";

const MODEL = { type: "aws/ec2/vpc", id: "model-1" };

describe("catalog export format", () => {
  test("a part gives back every field of every row, stamped with the namespace read", () => {
    const rows = [distinctRow(1), distinctRow(2)].map((r) => ({ ...r, namespace: "infra" }));
    const text = encodeExportPart("infra", MODEL, rows);
    const decoded = decodeExportPart(text, "infra", "part");
    expect(decoded.sort((a, b) => a.version - b.version)).toEqual(rows.sort((a, b) => a.version - b.version));
  });

  test("the same rows in any order give the same bytes", () => {
    const rows = [
      catalogRow({ dataName: "b" }),
      catalogRow({ dataName: "a", version: 2 }),
      catalogRow({ dataName: "a" }),
    ];
    expect(encodeExportPart("infra", MODEL, rows)).toBe(
      encodeExportPart("infra", MODEL, [...rows].reverse()),
    );
  });

  test("a model's part lies under the export folder", () => {
    expect(exportPartPath(MODEL)).toBe(".catalog-export/aws/ec2/vpc/model-1.json.gz");
    expect(isExportPart(exportPartPath(MODEL))).toBe(true);
    expect(isExportPart(".catalog-export.json")).toBe(false);
  });

  test("the manifest names its namespace; another namespace's or an unknown one is malformed", () => {
    expect(decodeExportManifest(exportManifest("infra"), "infra")).toEqual({ kind: "parts" });
    expect(() => decodeExportManifest(exportManifest("infra"), "security")).toThrow(MalformedExport);
    expect(() => decodeExportManifest("{not json", "infra")).toThrow(MalformedExport);
    expect(() => decodeExportManifest('{"format":"other"}', "infra")).toThrow(MalformedExport);
    const future = exportManifest("infra").replace('"version":1', '"version":2');
    expect(() => decodeExportManifest(future, "infra")).toThrow("format version 2");
  });

  test("the original CLI's flat array of snake_case rows is read, 0/1 and JSON tags included", () => {
    const row = catalogRow({ namespace: "infra", isLatest: false, streaming: true });
    const flat: Record<string, unknown> = {};
    for (const field of CATALOG_FIELDS) flat[CATALOG_COLUMNS[field].sql] = row[field];
    flat.is_latest = 0;
    flat.streaming = 1;
    flat.tags = JSON.stringify(row.tags);
    expect(decodeExportManifest(JSON.stringify([flat]), "infra")).toEqual({ kind: "rows", rows: [row] });
  });

  test("a part with a row of the wrong shape or type is malformed", () => {
    const good = JSON.parse(encodeExportPart("infra", MODEL, [catalogRow({ namespace: "infra" })]));
    const broken = (change: (doc: { rows: unknown[][] }) => void) => {
      const doc = structuredClone(good);
      change(doc);
      return () => decodeExportPart(JSON.stringify(doc), "infra", "part");
    };
    expect(broken(() => {})).not.toThrow();
    expect(broken((d) => d.rows[0]?.pop())).toThrow("does not have");
    expect(broken((d) => (d.rows[0] as unknown[]).splice(5, 1, "five"))).toThrow("no valid version");
    expect(() => decodeExportPart(JSON.stringify(good), "security", "part")).toThrow(MalformedExport);
  });
});
