import { describe, expect, test } from "bun:test";
import { foldCase, pathConflicts } from "../../../core/sync/path-conflicts.ts";

const none = { held: [], touched: [] };

describe("pathConflicts", () => {
  test("paths that fit in one tree have no conflicts", () => {
    const wanted = ["files/a", "files/b/x", "files/b/y", "files/ab/x", "files/a.b"];
    expect(pathConflicts({ ...none, wanted })).toEqual(new Map());
  });

  test("a file that another entry needs as a folder: the first in order stays, the other is named", () => {
    const conflicts = pathConflicts({ ...none, wanted: ["files/a/x", "files/a", "files/a/y/z"] });
    expect([...conflicts.keys()]).toEqual(["files/a/x", "files/a/y/z"]);
    expect(conflicts.get("files/a/x")).toBe(
      '"files/a" is a file, so it cannot also be a folder holding this entry',
    );
  });

  test("a file of the cache keeps its place against a new entry that needs it as a folder, and the reverse", () => {
    expect(pathConflicts({ held: ["files/a"], touched: [], wanted: ["files/a", "files/a/x"] })).toEqual(
      new Map([["files/a/x", '"files/a" is a file, so it cannot also be a folder holding this entry']]),
    );
    expect(pathConflicts({ held: ["files/a/x"], touched: [], wanted: ["files/a", "files/a/x"] })).toEqual(
      new Map([["files/a", 'it is also a folder (holding "files/a/x"), so it cannot be a file']]),
    );
  });

  test("on a case-sensitive disk, names that differ in case are distinct", () => {
    expect(pathConflicts({ ...none, wanted: ["files/A", "files/a", "Files/a"] })).toEqual(new Map());
  });

  test("on a case-insensitive disk, two spellings of one name at any level conflict", () => {
    const conflicts = pathConflicts(
      { ...none, wanted: ["files/a", "files/A", "data/M/x", "data/m/y", "data/Ä/1", "data/a\u0308/2"] },
      foldCase,
    );
    // "a" + combining diaeresis sorts before "Ä": the composed spelling is the one refused.
    expect([...conflicts.keys()].sort()).toEqual(["data/m/y", "data/Ä/1", "files/a"]);
    expect(conflicts.get("files/a")).toBe(
      'it differs only in case from "files/A" (from "files/A"), and this cache is on a case-insensitive disk',
    );
    expect(conflicts.get("data/m/y")).toContain('its folder "data/m" differs only in case from "data/M"');
  });

  test("on a case-insensitive disk, what the cache holds or changed wins over a new spelling", () => {
    const conflicts = pathConflicts(
      { held: ["files/b"], touched: ["data/n"], wanted: ["files/B", "files/b", "data/N/1/raw"] },
      foldCase,
    );
    expect([...conflicts.keys()].sort()).toEqual(["data/N/1/raw", "files/B"]);
  });

  test("a changed path of unknown kind never makes a file or folder conflict", () => {
    expect(pathConflicts({ held: [], touched: ["files/a"], wanted: ["files/a/x"] })).toEqual(new Map());
  });

  test("a version file is never shadowed by an entry in its way, whatever the order", () => {
    const name = "data/aws/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11/a";
    const conflicts = pathConflicts({ held: [], touched: [], wanted: [`${name}/1`, `${name}/1/raw`] });
    expect([...conflicts.keys()]).toEqual([`${name}/1`]);
  });
});
