import { describe, expect, test } from "bun:test";
import { SwampError } from "../../core/errors.ts";
import { parseModelReference } from "../../core/model-reference.ts";

describe("parseModelReference", () => {
  test("a bare model is the own namespace", () => {
    expect(parseModelReference("vpc")).toEqual({ namespace: undefined, model: "vpc" });
  });

  test("an empty namespace part is the own namespace", () => {
    expect(parseModelReference(":vpc")).toEqual({ namespace: undefined, model: "vpc" });
  });

  test("* is the wildcard", () => {
    expect(parseModelReference("*:vpc")).toEqual({ namespace: "*", model: "vpc" });
  });

  test("splits at the first colon only", () => {
    expect(parseModelReference("infra:a:b")).toEqual({ namespace: "infra", model: "a:b" });
  });

  test("an empty model is a validation error", () => {
    for (const bad of ["", "infra:", ":", "*:"]) {
      const err = (() => {
        try {
          parseModelReference(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(SwampError);
      expect((err as SwampError).code).toBe("validation_failed");
      expect((err as SwampError).message).toContain("no model name");
    }
  });

  test("the namespace must be a valid slug", () => {
    expect(() => parseModelReference("Infra:vpc")).toThrow(/Namespace must match/);
    expect(() => parseModelReference(`${"a".repeat(65)}:vpc`)).toThrow(/at most 64/);
  });
});
