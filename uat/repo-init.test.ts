import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { RepoInitDoc } from "./support/shapes.ts";
import { expectExit, makeSandbox, run, tempDir } from "./support/swamp.ts";

installCleanup();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("swamp repo init", () => {
  test("creates the marker, .swamp/ and models/, and is idempotent", async () => {
    const dir = tempDir("init");
    const { env } = makeSandbox();

    const first = expectExit(await run(["repo", "init", "--json"], { cwd: dir, env }), 0).json<RepoInitDoc>();
    expect(Object.keys(first).sort()).toEqual(["created", "repoDir", "repoId"]);
    expect(first).toEqual({ repoDir: dir, repoId: expect.stringMatching(UUID), created: true });
    expect(readFileSync(join(dir, ".swamp.yaml"), "utf8")).toContain(first.repoId);
    expect(existsSync(join(dir, ".swamp"))).toBe(true);
    expect(existsSync(join(dir, "models"))).toBe(true);

    const second = expectExit(
      await run(["repo", "init", "--json"], { cwd: dir, env }),
      0,
    ).json<RepoInitDoc>();
    expect(second).toEqual({ repoDir: dir, repoId: first.repoId, created: false });
  });

  test("--repo-dir initialises another directory and later commands find it there", async () => {
    const cwd = tempDir("elsewhere");
    const { env } = makeSandbox();
    const target = join(cwd, "infra");
    mkdirSync(target);

    const init = expectExit(await run(["repo", "init", "--repo-dir", "./infra", "--json"], { cwd, env }), 0);
    expect(init.json<RepoInitDoc>()).toMatchObject({ repoDir: target, created: true });
    expect(existsSync(join(target, ".swamp.yaml"))).toBe(true);
    expect(existsSync(join(cwd, ".swamp.yaml"))).toBe(false);

    const put = await run(
      ["--repo-dir", target, "data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1"],
      {
        cwd,
        env,
      },
    );
    expectExit(put, 0);
    expect(existsSync(join(target, ".swamp", "data", "vpc"))).toBe(true);
  });

  test("commands outside a repo fail, naming `swamp repo init` and --repo-dir, and create nothing", async () => {
    const dir = tempDir("norepo");
    const { env } = makeSandbox();

    const log = await run(["data", "list", "vpc"], { cwd: dir, env });
    expect(log.code).not.toBe(0);
    expect(log.stderr).toContain("swamp repo init");
    expect(log.stderr).toContain("--repo-dir");

    const json = await run(["data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1", "--json"], {
      cwd: dir,
      env,
    });
    expect(json.code).not.toBe(0);
    expect(json.stdout).toBe("");
    const error = json.errorJson();
    expect(error.error).toContain("swamp repo init");
    expect(typeof error.code).toBe("string");

    expect(readdirSync(dir)).toEqual([]);
  });
});
