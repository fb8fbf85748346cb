import { describe, expect, test } from "bun:test";
import { type CatalogKey, catalogFindings } from "../../../core/doctor/catalog-findings.ts";

const key = (dataName: string, version: number, isLatest: boolean): CatalogKey => ({
  typeNormalized: "aws/ec2/vpc",
  modelId: "m-1",
  dataName,
  version,
  isLatest,
});

describe("catalogFindings", () => {
  test("the rows a rebuild would write: no finding", () => {
    const rows = [key("main", 1, false), key("main", 2, true)];
    expect(catalogFindings(rows, [...rows].reverse())).toEqual([]);
  });

  test("a missing row, a row of nothing and a wrong latest flag: each a problem a rebuild fixes", () => {
    const expected = [key("main", 1, false), key("main", 2, true), key("other", 1, true)];
    const actual = [key("main", 1, true), key("main", 2, true), key("gone", 4, true)];
    expect(catalogFindings(expected, actual).map((f) => [f.code, f.subject, f.problem, f.repair])).toEqual([
      ["catalog_row_extra", "aws/ec2/vpc/m-1/gone v4", true, { kind: "rebuild_catalog" }],
      ["catalog_latest_wrong", "aws/ec2/vpc/m-1/main v1", true, { kind: "rebuild_catalog" }],
      ["catalog_row_missing", "aws/ec2/vpc/m-1/other v1", true, { kind: "rebuild_catalog" }],
    ]);
    const [, wrong] = catalogFindings(expected, actual);
    expect(wrong?.message).toContain("marks this version as latest, but it is not");
    expect(wrong?.fix).toBe("swamp doctor --repair -y");
  });
});
