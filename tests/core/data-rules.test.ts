import { describe, expect, test } from "bun:test";
import type { OwnerDefinition } from "../../core/data-record.ts";
import {
  checkOwnership,
  inferContentType,
  validateDataName,
  validateGcPolicy,
  validateLifetime,
  validateModelName,
} from "../../core/data-rules.ts";

describe("validateDataName", () => {
  test.each([["vpc-config"], ["123"], ["a.b"], ["latest-run"], ["é ü"], ["."]])("accepts %p", (name) => {
    expect(() => validateDataName(name)).not.toThrow();
  });

  test.each([
    ["a/b", 'Invalid data name "a/b": names cannot contain "/". Use a name like "a-b".'],
    ["a\\b", 'Invalid data name "a\\b": names cannot contain "\\". Use a name like "a-b".'],
    ["a..b", 'Invalid data name "a..b": names cannot contain "..". Use a name like "a-b".'],
    ["a\0b", 'Invalid data name "a\0b": names cannot contain NUL characters. Use a name like "a-b".'],
    ["", 'Invalid data name "": names cannot be empty. Use a name like "vpc-config".'],
    [
      "Latest",
      'Invalid data name "Latest": "latest" is reserved for the latest-version marker. Use a name like "Latest-data".',
    ],
  ])("rejects %p", (name, message) => {
    expect(() => validateDataName(name)).toThrow(message);
  });

  test("model names follow the character rules but may be called latest", () => {
    expect(() => validateModelName("latest")).not.toThrow();
    expect(() => validateModelName("a/b")).toThrow('Invalid model name "a/b"');
  });
});

describe("validateLifetime", () => {
  test.each([
    ["ephemeral"],
    ["infinite"],
    ["job"],
    ["workflow"],
    ["30d"],
    ["6mo"],
    ["1y"],
    ["15m"],
    ["2w"],
    ["12h"],
  ])("accepts %p", (lifetime) => {
    expect(validateLifetime(lifetime)).toBe(lifetime);
  });
  test("0x means workflow", () => {
    expect(validateLifetime("0x")).toBe("workflow");
  });
  test.each([["forever"], ["30"], ["d30"], ["1.5d"], [""], ["30 d"]])("rejects %p", (lifetime) => {
    expect(() => validateLifetime(lifetime)).toThrow(
      `Invalid lifetime "${lifetime}". Use ephemeral, infinite`,
    );
  });
});

describe("validateGcPolicy", () => {
  test.each([
    [10, 10],
    ["10", 10],
    ["30d", "30d"],
    ["6mo", "6mo"],
  ] as const)("accepts %p", (input, expected) => {
    expect(validateGcPolicy(input)).toBe(expected);
  });
  test.each([[0], [-1], [1.5], ["0"], ["abc"], [""], [Number.NaN]])("rejects %p", (input) => {
    expect(() => validateGcPolicy(input)).toThrow("Invalid garbage-collection policy");
  });
});

describe("checkOwnership", () => {
  const cli: OwnerDefinition = { ownerType: "manual", ownerRef: "cli:vpc" };
  const method: OwnerDefinition = { ownerType: "model-method", ownerRef: "aws/ec2/vpc:create" };

  test("a new name or the same owner passes", () => {
    expect(() => checkOwnership(undefined, cli)).not.toThrow();
    expect(() => checkOwnership({ ...cli, source: "x" }, cli)).not.toThrow();
  });

  test("another owner is an ownership conflict naming the owner and --adopt", () => {
    try {
      checkOwnership(method, cli, { dataName: "state" });
      throw new Error("accepted");
    } catch (e) {
      expect(e).toMatchObject({ code: "ownership_conflict" });
      expect((e as Error).message).toBe(
        'Data "state" is owned by model-method "aws/ec2/vpc:create", not manual "cli:vpc". Pass --adopt to take ownership.',
      );
    }
    expect(() => checkOwnership({ ...cli, ownerRef: "cli:other" }, cli)).toThrow("Pass --adopt");
  });

  test("adopt takes over", () => {
    expect(() => checkOwnership(method, cli, { adopt: true })).not.toThrow();
  });
});

describe("inferContentType", () => {
  test.each([
    ["a.json", "application/json"],
    ["a.YAML", "application/yaml"],
    ["a.yml", "application/yaml"],
    ["run.log", "text/plain"],
    ["notes.txt", "text/plain"],
    ["README.md", "text/markdown"],
    ["t.csv", "text/csv"],
    ["p.html", "text/html"],
    ["x.xml", "application/xml"],
    ["image.png", "application/octet-stream"],
    ["Makefile", "application/octet-stream"],
    [".json", "application/octet-stream"],
    ["dir.v2/file", "application/octet-stream"],
  ])("file %p is %p", (file, type) => {
    expect(inferContentType(file, "{}")).toBe(type);
  });

  test.each([
    ['{"a":1}', "application/json"],
    ["[1,2]", "application/json"],
    ["42", "application/json"],
    ["hello", "text/plain"],
    ["{not json", "text/plain"],
  ])("value %p is %p", (value, type) => {
    expect(inferContentType(undefined, value)).toBe(type);
  });

  test("bytes without a file name: JSON, text or binary", () => {
    expect(inferContentType(undefined, new TextEncoder().encode('{"a":1}'))).toBe("application/json");
    expect(inferContentType(undefined, new TextEncoder().encode("hi"))).toBe("text/plain");
    expect(inferContentType(undefined, new Uint8Array([0xff, 0xfe, 0x00]))).toBe("application/octet-stream");
  });
});
