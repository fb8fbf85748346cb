import { describe, expect, test } from "bun:test";
import * as node from "node:path";
import * as ours from "../../../adapters/fs/paths.ts";

const PATHS = [
  "",
  ".",
  "..",
  "/",
  "//",
  "a",
  "a/",
  "a//",
  "/a",
  "/a/",
  "/a/b",
  "/a/b/",
  "a/b/c",
  "a//b",
  "./a/../b",
  "../a",
  "/a/../..",
  "/a/./b/../c/",
  ".swamp/data/_catalog.db",
  "/tmp/x/.latest.mutex",
];

describe("paths, as node:path has them", () => {
  test("dirname and basename", () => {
    for (const p of PATHS) {
      expect([p, ours.dirname(p)]).toEqual([p, node.dirname(p)]);
      expect([p, ours.basename(p)]).toEqual([p, node.basename(p)]);
    }
  });

  test("join", () => {
    for (const a of PATHS) {
      for (const b of ["b", "b/c", "../b", ".", ".x.tmp", "/abs"]) {
        // node keeps a trailing slash of the last part; none of swamp's joins ends in one.
        expect([a, b, ours.join(a, b)]).toEqual([a, b, node.join(a, b)]);
      }
    }
    expect(ours.join("a", "", "b")).toBe(node.join("a", "", "b"));
  });

  test("resolve and relative, from the working directory too", () => {
    for (const a of PATHS) {
      expect([a, ours.resolve(a)]).toEqual([a, node.resolve(a)]);
      expect([a, ours.resolve("/base", a)]).toEqual([a, node.resolve("/base", a)]);
      for (const b of PATHS) {
        expect([a, b, ours.relative(a, b)]).toEqual([a, b, node.relative(a, b)]);
      }
    }
    expect(ours.sep).toBe(node.sep);
  });
});
