import { describe, expect, test } from "bun:test";
import { toDataRecord } from "../../../core/query/query-record.ts";
import { EMPTY_CONTENT } from "../../../core/query/record-content.ts";
import { queryFooter, renderQueryRecords, renderSelectResults } from "../../../core/query/render-query.ts";
import { queryRow } from "../../support/query-rows.ts";

const record = (namespace: string, dataName: string) =>
  toDataRecord(queryRow({ namespace, dataName, size: 1234 }), EMPTY_CONTENT);

describe("renderQueryRecords", () => {
  test("table with footer", () => {
    expect(renderQueryRecords([record("", "main")], { limited: false })).toBe(
      [
        "┌──────┬───────────┬──────────┬──────────┬─────────┬──────┐",
        "│ name │ modelName │ specName │ dataType │ version │ size │",
        "├──────┼───────────┼──────────┼──────────┼─────────┼──────┤",
        "│ main │ vpc       │ state    │ resource │       1 │ 1234 │",
        "└──────┴───────────┴──────────┴──────────┴─────────┴──────┘",
        "1 result",
      ].join("\n"),
    );
  });

  test("the namespace column appears when the results come from more than one namespace", () => {
    const lines = (records: ReturnType<typeof record>[]) =>
      renderQueryRecords(records, { limited: false }).split("\n");
    const mixed = lines([record("", "a"), record("infra", "b")]);
    expect(mixed[1]).toStartWith("│ namespace │ name");
    expect(mixed[3]).toStartWith("│ (solo)    │ a");
    expect(mixed[4]).toStartWith("│ infra     │ b");
    expect(lines([record("infra", "a"), record("prod", "b")])[1]).toStartWith("│ namespace │ name");
    expect(lines([record("infra", "a"), record("infra", "b")])[1]).toStartWith("│ name");
    expect(lines([record("", "a")])[1]).toStartWith("│ name");
  });

  test("footers and the empty message", () => {
    expect(queryFooter(2, false)).toBe("2 results");
    expect(queryFooter(0, false)).toBe("0 results");
    expect(queryFooter(5, true)).toBe("Showing 5 results (limit reached)");
    expect(renderQueryRecords([], { limited: false })).toBe("No matching data found.");
  });
});

describe("renderSelectResults", () => {
  test("scalars print one per line, objects as fenced JSON", () => {
    expect(renderSelectResults(["a", 2, true, null])).toBe("a\n2\ntrue\nnull");
    expect(renderSelectResults([1, { x: 1 }])).toBe('1\n```json\n{\n  "x": 1\n}\n```');
  });

  test("maps print a table keyed by the map keys; nested values inline; null rows empty", () => {
    expect(renderSelectResults([null, { n: "a", v: { d: 1 } }, { n: "b", w: 2 }])).toBe(
      [
        "┌───┬─────────┬───┐",
        "│ n │ v       │ w │",
        "├───┼─────────┼───┤",
        "│   │         │   │",
        '│ a │ {"d":1} │   │',
        "│ b │         │ 2 │",
        "└───┴─────────┴───┘",
      ].join("\n"),
    );
  });

  test("lists print a headerless table", () => {
    expect(
      renderSelectResults([
        ["a", 1],
        ["bb", [2]],
      ]),
    ).toBe(["┌────┬─────┐", "│ a  │ 1   │", "│ bb │ [2] │", "└────┴─────┘"].join("\n"));
  });

  test("no results", () => {
    expect(renderSelectResults([])).toBe("No matching data found.");
  });
});
