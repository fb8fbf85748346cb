import { expect, test } from "bun:test";
import { Environment } from "@marcbachmann/cel-js";
import { toPlainValue } from "../../../core/query/plain-value.ts";

const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
const plain = (expression: string) => toPlainValue(env.evaluate(expression));

test("CEL values become JSON-able", () => {
  expect(plain('{"a": [1, 2u, 2.5], "b": null}')).toEqual({ a: [1, 2, 2.5], b: null });
  expect(plain('timestamp("2026-01-02T00:00:00Z")')).toBe("2026-01-02T00:00:00.000Z");
  expect(plain('b"hi"')).toBe("aGk=");
  expect(plain("optional.of(3)")).toBe(3);
  expect(plain("optional.none()")).toBeNull();
  expect(plain('duration("90s")')).toBe("90s");
  expect(toPlainValue(new Map<unknown, unknown>([[1n, 2n]]))).toEqual({ "1": 2 });
});
