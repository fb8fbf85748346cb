import { describe, expect, test } from "bun:test";
import { normalizeModelType } from "../../core/model-type.ts";

describe("normalizeModelType", () => {
  test.each([
    ["AWS::EC2::VPC", "aws/ec2/vpc"],
    ["aws/ec2/vpc", "aws/ec2/vpc"],
    ["My Type.sub", "my/type/sub"],
    ["//a::::b//", "a/b"],
    [" a \t b ", "a/b"],
    ["@swamp/s3", "@swamp/s3"],
  ])("%p → %p", (input, expected) => {
    expect(normalizeModelType(input)).toBe(expected);
  });

  test.each([[""], ["::"], [" / . "]])("rejects %p, which is empty once normalized", (input) => {
    expect(() => normalizeModelType(input)).toThrow("empty after normalization");
  });

  test.each([["../etc"], ["aws/../x"], ["a::..::b"], ["a\\b"], ["a\0b"]])("rejects %p", (input) => {
    try {
      normalizeModelType(input);
      throw new Error("accepted");
    } catch (e) {
      expect(e).toMatchObject({ code: "validation_failed" });
      expect((e as Error).message).toContain('Use a type like "aws/ec2/vpc"');
    }
  });
});
