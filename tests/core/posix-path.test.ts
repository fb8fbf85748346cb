import { describe, expect, test } from "bun:test";
import { escapesRoot, isAbsolutePosix, joinPosix, normalizePosix } from "../../core/posix-path.ts";

describe("normalizePosix", () => {
  test.each([
    ["/a//b/./c/", "/a/b/c"],
    ["a/b/../c", "a/c"],
    ["/../a", "/a"],
    ["../a/../../b", "../../b"],
    ["", "."],
    [".", "."],
    ["/", "/"],
    ["a/..", "."],
  ])("%p → %p", (input, expected) => {
    expect(normalizePosix(input)).toBe(expected);
  });
});

describe("joinPosix", () => {
  test("joins and normalizes, skipping empty parts", () => {
    expect(joinPosix("/repo", "", ".swamp", "data/x")).toBe("/repo/.swamp/data/x");
    expect(joinPosix("/base/", "/ns/")).toBe("/base/ns");
    expect(joinPosix("a", "..", "..", "b")).toBe("../b");
  });
});

describe("escapesRoot / isAbsolutePosix", () => {
  test("detects climbing out and absolute paths", () => {
    expect(escapesRoot("..")).toBe(true);
    expect(escapesRoot("a/../../b")).toBe(true);
    expect(escapesRoot("/etc")).toBe(true);
    expect(escapesRoot("a/../b")).toBe(false);
    expect(escapesRoot("..a")).toBe(false);
    expect(isAbsolutePosix("/x")).toBe(true);
    expect(isAbsolutePosix("x")).toBe(false);
  });
});
