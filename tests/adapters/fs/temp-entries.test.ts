import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTempEntries, removeTempEntry } from "../../../adapters/fs/temp-entries.ts";

describe("temp entries", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "swamp-temp-entries-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("finds .{uuid}.tmp files and dirs anywhere (not inside them, not through symlinks), with their mtime", async () => {
    const versionTmp = join(root, "data", "t", "m", "n", ".0a1b.tmp");
    mkdirSync(versionTmp, { recursive: true });
    writeFileSync(join(versionTmp, "raw"), "half");
    writeFileSync(join(versionTmp, ".inner.tmp"), "inside");
    mkdirSync(join(root, ".locks"));
    writeFileSync(join(root, ".locks", ".c2d3.tmp"), "");
    writeFileSync(join(root, "data", "t", "m", "n", "name.tmp"), "a user's name, not a temp file");
    const outside = mkdtempSync(join(tmpdir(), "swamp-temp-outside-"));
    writeFileSync(join(outside, ".elsewhere.tmp"), "");
    symlinkSync(outside, join(root, "linked"));
    utimesSync(versionTmp, 1000, 1000);

    const found = (await findTempEntries(root)).sort((a, b) => (a.path < b.path ? -1 : 1));
    rmSync(outside, { recursive: true, force: true });
    expect(found).toEqual([
      { path: join(root, ".locks", ".c2d3.tmp"), directory: false, modifiedAt: expect.any(Number) },
      { path: versionTmp, directory: true, modifiedAt: 1_000_000 },
    ]);
    expect(await findTempEntries(join(root, "missing"))).toEqual([]);
  });

  test("removes a temp dir whole, and refuses anything that is not a temp name", async () => {
    const tmp = join(root, ".x.tmp");
    mkdirSync(join(tmp, "deep"), { recursive: true });
    await removeTempEntry(tmp);
    expect(existsSync(tmp)).toBe(false);
    writeFileSync(join(root, "keep"), "");
    await expect(removeTempEntry(join(root, "keep"))).rejects.toThrow("not a temp file");
    expect(existsSync(join(root, "keep"))).toBe(true);
  });
});
