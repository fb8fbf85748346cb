import { expect, test } from "bun:test";
import { listNames } from "../../cli/confirm.ts";

test("a confirmation lists the first ten names, then how many more", () => {
  const names = Array.from({ length: 23 }, (_, i) => `n${i + 1}`);
  expect(listNames(names)).toBe("n1, n2, n3, n4, n5, n6, n7, n8, n9, n10 … and 13 more");
  expect(listNames(names.slice(0, 10))).toBe("n1, n2, n3, n4, n5, n6, n7, n8, n9, n10");
  expect(listNames([])).toBe("");
});
