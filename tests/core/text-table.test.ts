import { expect, test } from "bun:test";
import { renderTable } from "../../core/text-table.ts";

test("draws a bordered table with a header", () => {
  expect(
    renderTable(
      [
        ["a", "10"],
        ["bcd", "2"],
      ],
      { header: ["name", "n"], align: ["left", "right"] },
    ),
  ).toBe(
    [
      "┌──────┬────┐",
      "│ name │  n │",
      "├──────┼────┤",
      "│ a    │ 10 │",
      "│ bcd  │  2 │",
      "└──────┴────┘",
    ].join("\n"),
  );
});

test("headerless, ragged rows and multi-line cells", () => {
  expect(renderTable([["x\ny"], ["a", "b"]])).toBe(
    ["┌─────┬───┐", "│ x y │   │", "│ a   │ b │", "└─────┴───┘"].join("\n"),
  );
});

test("nothing to draw", () => {
  expect(renderTable([])).toBe("");
});
