import { describe, expect, test } from "bun:test";
import {
  heldVersions,
  isLatestMarker,
  parseVersionFile,
  planRebase,
} from "../../../core/sync/version-files.ts";

const NAME = "data/aws/ec2/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11/web";

describe("parseVersionFile", () => {
  test("files inside a numbered version directory are version files", () => {
    expect(parseVersionFile(`${NAME}/3/raw`)).toEqual({ nameRel: NAME, version: 3 });
    expect(parseVersionFile(`${NAME}/12/metadata.yaml`)).toEqual({ nameRel: NAME, version: 12 });
  });

  test("markers, non-numeric directories and paths outside data/ are not", () => {
    for (const rel of [
      `${NAME}/latest`,
      `${NAME}/state`,
      `${NAME}/0/raw`,
      `${NAME}/x1/raw`,
      `${NAME}/3`,
      "files/1/raw",
    ]) {
      expect(parseVersionFile(rel)).toBeNull();
    }
  });
});

describe("isLatestMarker", () => {
  test("only a data name's own marker", () => {
    expect(isLatestMarker(`${NAME}/latest`)).toBe(true);
    expect(isLatestMarker(`${NAME}/1/latest`)).toBe(false);
    expect(isLatestMarker("files/a/latest")).toBe(false);
    expect(isLatestMarker(`${NAME}/latest.tmp`)).toBe(false);
  });
});

describe("heldVersions", () => {
  test("the version numbers of each name among index paths", () => {
    const other = NAME.replace("/web", "/db");
    const rels = [
      `${NAME}/1/raw`,
      `${NAME}/10/raw`,
      `${NAME}/9/metadata.yaml`,
      `${other}/2/raw`,
      `${NAME}/latest`,
    ];
    expect(heldVersions(rels)).toEqual(
      new Map([
        [NAME, new Set([1, 10, 9])],
        [other, new Set([2])],
      ]),
    );
  });
});

/** Pending local versions (none settled), as a rebase on pull or push sees them. */
const pending = (...versions: number[]) => versions.map((version) => ({ version, settled: false }));
const none = new Set<number>();

describe("planRebase", () => {
  test("pending versions move above the floor in their order, highest first", () => {
    expect(planRebase(pending(2), none, 2)).toEqual([{ from: 2, to: 3 }]);
    expect(planRebase(pending(3, 2), none, 3)).toEqual([
      { from: 3, to: 5 },
      { from: 2, to: 4 },
    ]);
  });

  test("versions already above the floor keep their number; none moves down", () => {
    expect(planRebase(pending(5), none, 3)).toEqual([]);
    expect(planRebase(pending(2, 5), none, 3)).toEqual([{ from: 2, to: 4 }]);
    expect(planRebase(pending(2, 4), none, 3)).toEqual([
      { from: 4, to: 5 },
      { from: 2, to: 4 },
    ]);
  });

  test("settled versions never move, and pending ones above them go above them too", () => {
    const local = [
      { version: 1, settled: true },
      ...pending(2),
      { version: 3, settled: true },
      ...pending(4),
    ];
    expect(planRebase(local, new Set([1, 2, 3]), 0)).toEqual([
      { from: 4, to: 5 },
      { from: 2, to: 4 },
    ]);
  });

  test("a pending version below a settled one of this clone, at a free number, keeps it (its own push died half-way)", () => {
    // v2 reached the store, v1 did not: moving v1 above v2 would make the older write the latest.
    const local = [...pending(1), { version: 2, settled: true }];
    expect(planRebase(local, new Set([2]), 2)).toEqual([]);
    // Once another clone holds that number, it moves all the same: nothing is overwritten.
    expect(planRebase(local, new Set([1, 2]), 2)).toEqual([{ from: 1, to: 3 }]);
  });

  test("renaming in the returned order never lands on a directory still in use", () => {
    const versions = [3, 4, 6, 7];
    const taken = new Set(versions);
    for (const { from, to } of planRebase(pending(...versions), none, 6)) {
      expect(taken.has(to)).toBe(false);
      taken.delete(from);
      taken.add(to);
    }
    expect([...taken].sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
  });
});
