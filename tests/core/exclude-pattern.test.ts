import { describe, expect, test } from "bun:test";
import { compileExcludePatterns, patternToRegExp } from "../../core/exclude-pattern.ts";

const excluded = (patterns: string[], path: string) => compileExcludePatterns(patterns).isExcluded(path);

describe("exclude patterns", () => {
  test("no patterns exclude nothing", () => {
    expect(excluded([], "data/x")).toBe(false);
  });

  test("* stays within one segment", () => {
    expect(excluded(["logs/*"], "logs/a.log")).toBe(true);
    expect(excluded(["logs/*"], "logs/a/b.log")).toBe(false);
    expect(excluded(["*.log"], "a.log")).toBe(true);
    expect(excluded(["*.log"], "logs/a.log")).toBe(false);
  });

  test("**/ matches zero or more directories", () => {
    expect(excluded(["**/tmp.json"], "tmp.json")).toBe(true);
    expect(excluded(["**/tmp.json"], "a/b/tmp.json")).toBe(true);
    expect(excluded(["data/**/raw"], "data/raw")).toBe(true);
    expect(excluded(["data/**/raw"], "data/x/y/raw")).toBe(true);
    expect(excluded(["data/**/raw"], "data/x/y/raw2")).toBe(false);
  });

  test("** elsewhere matches anything, across segments", () => {
    expect(excluded(["telemetry/**"], "telemetry/a/b/c.json")).toBe(true);
    expect(excluded(["telemetry/**"], "telemetry")).toBe(false);
    expect(excluded(["a**z"], "a/b/z")).toBe(true);
  });

  test("? is one non-slash char", () => {
    expect(excluded(["log?.txt"], "log1.txt")).toBe(true);
    expect(excluded(["log?.txt"], "log12.txt")).toBe(false);
    expect(excluded(["a?b"], "a/b")).toBe(false);
  });

  test("[...] classes, negated with ! or ^, and an unclosed [ is literal", () => {
    expect(excluded(["v[0-9]"], "v7")).toBe(true);
    expect(excluded(["v[0-9]"], "vx")).toBe(false);
    expect(excluded(["v[!0-9]"], "vx")).toBe(true);
    expect(excluded(["v[^0-9]"], "v7")).toBe(false);
    expect(excluded(["a[!x]b"], "a/b")).toBe(false);
    expect(excluded(["a[b"], "a[b")).toBe(true);
    expect(excluded(["[]]x"], "]x")).toBe(true);
  });

  test("other regex characters are literal", () => {
    expect(excluded(["a.b"], "a.b")).toBe(true);
    expect(excluded(["a.b"], "axb")).toBe(false);
    expect(excluded(["(x)+$"], "(x)+$")).toBe(true);
    expect(excluded(["a{1}"], "a{1}")).toBe(true);
  });

  test("the whole path must match", () => {
    expect(excluded(["data"], "data/x")).toBe(false);
    expect(excluded(["x"], "data/x")).toBe(false);
  });

  test("! re-includes and the last match wins", () => {
    const patterns = ["telemetry/**", "!telemetry/keep.json"];
    expect(excluded(patterns, "telemetry/drop.json")).toBe(true);
    expect(excluded(patterns, "telemetry/keep.json")).toBe(false);
    expect(excluded(["!telemetry/keep.json", "telemetry/**"], "telemetry/keep.json")).toBe(true);
  });

  test("blank and # lines are ignored; patterns are trimmed", () => {
    const matcher = compileExcludePatterns(["", "   ", "# comment", "  logs/*  ", "!", "/"]);
    expect(matcher.patterns).toEqual(["logs/*"]);
    expect(matcher.isExcluded("logs/a")).toBe(true);
    expect(matcher.isExcluded("# comment")).toBe(false);
  });

  test("leading / on path and pattern is stripped; backslashes become slashes", () => {
    expect(excluded(["logs/*"], "/logs/a")).toBe(true);
    expect(excluded(["/logs/*"], "logs/a")).toBe(true);
    expect(excluded(["logs/*"], "logs\\a")).toBe(true);
    expect(excluded(["logs/*"], "\\logs\\a")).toBe(true);
  });

  test("compiles to anchored regexps", () => {
    const regex = patternToRegExp("a/**/b*");
    expect(regex.test("a/x/y/bc")).toBe(true);
    expect(regex.test("za/bc")).toBe(false);
    expect(regex.test("a/bc/d")).toBe(false);
  });
});
