import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { RepoInitDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, makeSandbox, run, tempDir } from "./support/swamp.ts";

installCleanup();

describe("repo discovery walks up from the current directory", () => {
  test("a command run from a subdirectory of a repo works on that repo", async () => {
    const repo = await makeRepo();
    const deep = join(repo.dir, "models", "deep", "er");
    mkdirSync(deep, { recursive: true });
    const put = ["data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1"];
    expectExit(await repo.run(put, { cwd: deep }), 0);
    const list = expectExit(await repo.run(["data", "list", "vpc", "--json"], { cwd: deep }), 0);
    expect(list.stdout).toContain('"main"');
    expect(existsSync(join(repo.dir, ".swamp", "data", "vpc"))).toBe(true);
    expect(existsSync(join(deep, ".swamp"))).toBe(false);
  });

  test("outside any repo, the error names where it looked and says where to run repo init", async () => {
    const dir = join(tempDir("norepo"), "a", "b");
    mkdirSync(dir, { recursive: true });
    const r = expectExit(await run(["data", "list", "vpc"], { cwd: dir, env: makeSandbox().env }), 1);
    expect(r.stderr).toContain(`No swamp repository in ${dir} or any directory above it`);
    expect(r.stderr).toContain("Run 'swamp repo init' in the directory the repository should live in");
  });

  test("--repo-dir still wins over the repo above the current directory", async () => {
    const outer = await makeRepo();
    const other = await makeRepo();
    const inside = join(outer.dir, "sub");
    mkdirSync(inside);
    const put = [
      "--repo-dir",
      other.dir,
      "data",
      "put",
      "vpc",
      "main",
      "--model-type",
      "vpc",
      "--value",
      "1",
    ];
    expectExit(await outer.run(put, { cwd: inside }), 0);
    expect(existsSync(join(other.dir, ".swamp", "data", "vpc"))).toBe(true);
    expect(existsSync(join(outer.dir, ".swamp", "data", "vpc"))).toBe(false);
  });

  test("repo init in a subdirectory of a repo makes a new repo there, not above", async () => {
    const outer = await makeRepo();
    const sub = join(outer.dir, "nested");
    mkdirSync(sub);
    const init = expectExit(await outer.run(["repo", "init", "--json"], { cwd: sub }), 0).json<RepoInitDoc>();
    expect(init).toMatchObject({ repoDir: sub, created: true });
    expect(init.repoId).not.toBe(outer.repoId);
    expect(existsSync(join(sub, ".swamp.yaml"))).toBe(true);
  });
});
