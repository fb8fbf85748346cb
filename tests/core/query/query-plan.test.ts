import { describe, expect, test } from "bun:test";
import { SwampError } from "../../../core/errors.ts";
import { planQuery } from "../../../core/query/query-plan.ts";

function failure(run: () => unknown): SwampError {
  try {
    run();
  } catch (e) {
    if (e instanceof SwampError) return e;
    throw e;
  }
  throw new Error("expected a SwampError");
}

describe("unknown fields", () => {
  test("one unknown field names it and lists the fields", () => {
    const err = failure(() => planQuery('nmae == "x"'));
    expect(err.code).toBe("query_failed");
    expect(err.message).toStartWith(
      'Unknown field "nmae" in query predicate.\nAvailable: attributes, content, ',
    );
    expect(err.message).toContain(", ns, ");
  });

  test("several use the plural form", () => {
    expect(failure(() => planQuery("foo && bar")).message).toStartWith(
      'Unknown fields "foo", "bar" in query predicate.',
    );
  });

  test("CEL built-ins, data and macro variables are not fields", () => {
    expect(() => planQuery('type(size) == int && tags.exists(k, k == "type")')).not.toThrow();
    expect(() => planQuery("[1, 2].map(x, x * 2).size() > 0 && cel.bind(t, size, t > 1)")).not.toThrow();
    expect(() => planQuery('data.latest("vpc", "main") != null')).not.toThrow();
    expect(() => planQuery("optional.of(1).hasValue()")).not.toThrow();
  });

  test("a macro variable does not leak outside its macro", () => {
    expect(failure(() => planQuery('tags.exists(k, k == "a") && k == "b"')).message).toContain('"k"');
  });

  test("unknown fields in --select are reported too", () => {
    expect(failure(() => planQuery("true", "nope")).message).toStartWith(
      'Unknown field "nope" in select expression.',
    );
  });
});

describe("implicit latest", () => {
  test("applies unless the predicate reads version or isLatest", () => {
    expect(planQuery("size > 1").latestOnly).toBe(true);
    expect(planQuery("size > 1").pushdown.latestOnly).toBe(true);
    expect(planQuery("version > 1").latestOnly).toBe(false);
    expect(planQuery("isLatest == false").latestOnly).toBe(false);
    expect(planQuery("version > 1").pushdown.latestOnly).toBeUndefined();
  });

  test("string literals and field names after a dot do not count", () => {
    expect(planQuery('name == "version"').latestOnly).toBe(true);
    expect(planQuery('attributes.version == "isLatest"').latestOnly).toBe(true);
    expect(planQuery("[1].exists(version, version > 0)").latestOnly).toBe(true);
  });

  test("the select expression does not count", () => {
    expect(planQuery("true", "version").latestOnly).toBe(true);
  });
});

describe("pushdown", () => {
  test("top-level modelName and ns equalities, either side", () => {
    expect(planQuery('modelName == "vpc" && size > 100').pushdown).toEqual({
      modelName: "vpc",
      latestOnly: true,
    });
    expect(planQuery('size > 1 && ("infra" == ns && "vpc" == modelName)').pushdown).toEqual({
      modelName: "vpc",
      namespace: "infra",
      latestOnly: true,
    });
    expect(planQuery('ns == ""').pushdown).toEqual({ namespace: "", latestOnly: true });
  });

  test("nothing under || or !, and no non-literal comparisons", () => {
    expect(planQuery('modelName == "a" || modelName == "b"').pushdown).toEqual({ latestOnly: true });
    expect(planQuery('!(modelName == "a")').pushdown).toEqual({ latestOnly: true });
    expect(planQuery("modelName == name").pushdown).toEqual({ latestOnly: true });
    expect(planQuery('modelName != "a"').pushdown).toEqual({ latestOnly: true });
  });
});

describe("references", () => {
  test("content is read only when attributes or content are referenced", () => {
    const reads = (predicate: string, select?: string) => {
      const plan = planQuery(predicate, select);
      return [plan.predicateReadsContent, plan.selectReadsContent];
    };
    expect(reads("size > 1")).toEqual([false, false]);
    expect(reads('attributes.cidr == "x"')).toEqual([true, false]);
    expect(reads('content.contains("x")', "name")).toEqual([true, false]);
    expect(reads("true", "attributes")).toEqual([false, true]);
    expect(reads('tags.attributes == "x"', "tags.content")).toEqual([false, false]);
  });

  test("a predicate reading only content cannot decide a row without it", () => {
    expect(planQuery('attributes.x == 1 || content == "y"').decidableWithoutContent).toBe(false);
    expect(planQuery('attributes.x == 1 && ns == "infra"').decidableWithoutContent).toBe(true);
    expect(planQuery('data.latest("m", "n") != null && attributes.x == 1').decidableWithoutContent).toBe(
      true,
    );
    expect(planQuery("attributes.x == 1", "size").decidableWithoutContent).toBe(false);
  });

  test("only the predicate decides which content and row fields every candidate needs", () => {
    expect(planQuery('content == "x" && size > 1').predicateFields).toEqual(["size"]);
  });

  test("predicate fields are the row fields behind the identifiers it reads", () => {
    const fields = (predicate: string) => [...planQuery(predicate, "id").predicateFields].sort();
    expect(fields("size > 1")).toEqual(["size"]);
    expect(fields('name == "a" && ns == "" && modelType != "x"')).toEqual([
      "dataName",
      "namespace",
      "typeNormalized",
    ]);
    expect(fields('tags.env == "prod" || version > 1 || isLatest')).toEqual(["isLatest", "tags", "version"]);
    expect(fields('tags.exists(k, k == "name") && cel.bind(s, size, s > 1)')).toEqual(["size", "tags"]);
    expect(fields('data.latest("vpc", "main") != null')).toEqual([]);
    expect(fields("true")).toEqual([]);
  });

  test("data.* use is flagged", () => {
    expect(planQuery("size > 1").usesData).toBe(false);
    expect(planQuery("true", 'data.listVersions("m", "n")').usesData).toBe(true);
  });
});

describe("invalid expressions", () => {
  test("parse errors say how to write a predicate", () => {
    const err = failure(() => planQuery("size >"));
    expect(err.code).toBe("query_failed");
    expect(err.message).toStartWith("Invalid query predicate: ");
    expect(err.message).toEndWith(`Example: swamp data query 'modelName == "vpc" && size > 100'`);
  });

  test("type errors are caught before evaluation", () => {
    expect(failure(() => planQuery('size == "big"')).message).toContain("no such overload");
    expect(failure(() => planQuery("size")).message).toContain("must be true or false");
    expect(failure(() => planQuery("true", "name +")).message).toStartWith("Invalid select expression: ");
  });
});
