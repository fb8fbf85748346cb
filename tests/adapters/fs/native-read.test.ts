import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesUnder, isFile, namesIn } from "../../../adapters/fs/native-read.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), "swamp-native-read-"));
  dirs.push(dir);
  mkdirSync(join(dir, "a", ".hidden"), { recursive: true });
  writeFileSync(join(dir, "a", "one.yaml"), "one");
  writeFileSync(join(dir, "a", ".hidden", "two.yaml"), "two");
  writeFileSync(join(dir, "top.yaml"), "");
  writeFileSync(join(dir, ".x.tmp"), "temp");
  return dir;
}

describe("native reads", () => {
  test("namesIn lists files, folders and dot names; none for a missing folder or a file", () => {
    const dir = tree();
    expect(namesIn(dir).sort()).toEqual([".x.tmp", "a", "top.yaml"]);
    expect(namesIn(join(dir, "missing"))).toEqual([]);
    expect(namesIn(join(dir, "top.yaml"))).toEqual([]);
  });

  test("filesUnder finds files at any depth, in dot folders too, and no folders", () => {
    const dir = tree();
    expect(filesUnder(dir, "**/*.yaml").sort()).toEqual(["a/.hidden/two.yaml", "a/one.yaml", "top.yaml"]);
    expect(filesUnder(join(dir, "missing"), "**/*.yaml")).toEqual([]);
  });

  test("isFile is true for a file only", async () => {
    const dir = tree();
    expect(await isFile(join(dir, "a", "one.yaml"))).toBe(true);
    expect(await isFile(join(dir, "a"))).toBe(false);
    expect(await isFile(join(dir, "missing"))).toBe(false);
  });
});
