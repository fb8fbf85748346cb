import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { RepoInitDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, makeSandbox, PROJECT_ROOT, run, tempDir } from "./support/swamp.ts";

installCleanup();

/** `swamp version --json`. */
interface VersionDoc {
  version: string;
  commit: string;
  buildDate: string;
  platform: string;
}

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

describe("swamp version", () => {
  test("--json says the version, the commit and date it was built, and the platform", async () => {
    const doc = expectExit(await run(["version", "--json"]), 0).json<VersionDoc>();
    expect(Object.keys(doc).sort()).toEqual(["buildDate", "commit", "platform", "version"]);
    const pkg = (await Bun.file(join(PROJECT_ROOT, "package.json")).json()) as { version: string };
    expect(doc.version).toBe(pkg.version);
    expect(doc.commit).toMatch(/^([0-9a-f]{7,40}(-dirty)?|unknown)$/);
    expect(doc.buildDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(doc.platform).toBe(`${process.platform}-${process.arch}`);
    const text = expectExit(await run(["version"]), 0).stdout;
    expect(text).toBe(
      `swamp ${doc.version} (commit ${doc.commit}, built ${doc.buildDate}, ${doc.platform})\n`,
    );
    expect(expectExit(await run(["--version"]), 0).stdout).toBe(`${doc.version}\n`);
  });
});

describe("help", () => {
  test("`swamp help data put` shows that command's help, with its examples and the global flags", async () => {
    const r = expectExit(await run(["help", "data", "put"]), 0);
    expect(r.stdout).toContain("Usage: swamp data put [options]");
    expect(r.stdout).toContain("--model-type");
    expect(r.stdout).toContain("Global Options:");
    expect(r.stdout).toContain("--repo-dir <dir>");
    expect(r.stdout).toContain("$ swamp data put vpc main");
  });

  test("a group's help has examples", async () => {
    const r = expectExit(await run(["ds", "lock", "--help"]), 0);
    expect(r.stdout).toContain("Examples:\n  $ swamp ds lock status");
  });

  test("help for an unknown command is a usage error", async () => {
    const r = expectExit(await run(["help", "data", "nosuch"]), 2);
    expect(r.stderr).toContain("nosuch");
  });
});
