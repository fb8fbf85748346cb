import { expect, test } from "bun:test";
import { contentKind, decodeContent } from "../../../core/query/record-content.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("content kinds", () => {
  expect(contentKind("application/json")).toBe("json");
  expect(contentKind("Application/JSON; charset=utf-8")).toBe("json");
  expect(contentKind("application/vnd.api+json")).toBe("json");
  expect(contentKind("text/plain")).toBe("text");
  expect(contentKind("application/yaml")).toBe("text");
  expect(contentKind("application/x-yaml")).toBe("text");
  expect(contentKind("application/octet-stream")).toBe("binary");
  expect(contentKind("")).toBe("binary");
});

test("JSON is parsed into attributes and aliased as content", () => {
  expect(decodeContent("application/json", bytes('{"a":1}'))).toEqual({
    attributes: { a: 1 },
    content: { a: 1 },
  });
  expect(decodeContent("application/json", bytes("{oops"))).toEqual({ attributes: {}, content: "{oops" });
});

test("text is raw content with empty attributes; binary never needs bytes", () => {
  expect(decodeContent("text/yaml", bytes("a: 1"))).toEqual({ attributes: {}, content: "a: 1" });
  expect(decodeContent("image/png", null)).toEqual({ attributes: {}, content: "" });
});

test("content that is not available in this cache reads as null", () => {
  expect(decodeContent("application/json", null)).toEqual({ attributes: null, content: null });
});
