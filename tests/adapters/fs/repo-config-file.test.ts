import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  editRepoConfig,
  initRepo,
  locateRepo,
  REPO_CONFIG_FILE,
  readRepoConfig,
} from "../../../adapters/fs/repo-config-file.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

let dir: string;
let counter = 0;
const host = { uuid: () => `00000000-0000-4000-8000-${String(++counter).padStart(12, "0")}` };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "swamp-repo-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (text: string) => writeFile(join(dir, REPO_CONFIG_FILE), text);
const read = () => readFile(join(dir, REPO_CONFIG_FILE), "utf8");

describe("locateRepo", () => {
  test("--repo-dir > SWAMP_REPO_DIR > cwd", async () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    for (const d of [a, b, dir]) {
      await mkdir(d, { recursive: true });
      await writeFile(join(d, REPO_CONFIG_FILE), "");
    }
    expect(await locateRepo({ repoDir: a, env: { SWAMP_REPO_DIR: b }, cwd: dir })).toBe(a);
    expect(await locateRepo({ env: { SWAMP_REPO_DIR: b }, cwd: dir })).toBe(b);
    expect(await locateRepo({ env: {}, cwd: dir })).toBe(dir);
    expect(await locateRepo({ repoDir: "a", env: {}, cwd: dir })).toBe(a);
    expect(await locateRepo({ repoDir: "", env: { SWAMP_REPO_DIR: "" }, cwd: dir })).toBe(dir);
  });

  test("from a subdirectory, the nearest ancestor holding .swamp.yaml is the repo", async () => {
    const inner = join(dir, "inner");
    const deep = join(inner, "a", "b");
    await mkdir(deep, { recursive: true });
    await writeFile(join(dir, REPO_CONFIG_FILE), "");
    expect(await locateRepo({ env: {}, cwd: deep })).toBe(dir);
    await writeFile(join(inner, REPO_CONFIG_FILE), "");
    expect(await locateRepo({ env: {}, cwd: deep })).toBe(inner);
    expect(await locateRepo({ env: {}, cwd: join(deep, "..") })).toBe(inner);
  });

  test("--repo-dir and SWAMP_REPO_DIR name the repo itself: no walking up from them", async () => {
    const sub = join(dir, "sub");
    await mkdir(sub);
    await writeFile(join(dir, REPO_CONFIG_FILE), "");
    for (const options of [{ repoDir: sub, env: {} }, { env: { SWAMP_REPO_DIR: sub } }]) {
      const e = await swampFailure(locateRepo({ ...options, cwd: dir }));
      expect(e.message).toBe(
        `No swamp repository at ${sub}. Run 'swamp repo init' there, or pass --repo-dir <path>.`,
      );
    }
  });

  test("no .swamp.yaml in the cwd or above: the error names where it looked and where to init", async () => {
    const e = await swampFailure(locateRepo({ env: {}, cwd: dir }));
    expect(e.code).toBe("not_found");
    expect(e.message).toBe(
      `No swamp repository in ${dir} or any directory above it (none holds .swamp.yaml). Run 'swamp repo init' in the directory the repository should live in (it covers the directories below it), or pass --repo-dir <path>.`,
    );
    const missing = join(dir, "missing");
    expect((await swampFailure(locateRepo({ repoDir: missing, env: {}, cwd: dir }))).message).toContain(
      missing,
    );
  });

  test("a directory named .swamp.yaml does not count", async () => {
    await mkdir(join(dir, REPO_CONFIG_FILE));
    expect((await swampFailure(locateRepo({ env: {}, cwd: dir }))).code).toBe("not_found");
  });
});

describe("readRepoConfig", () => {
  test("reads repoId and the datastore block", async () => {
    await write("repoId: abc\ndatastore:\n  type: s3\n  config: {bucket: b}\nother: 1\n");
    const config = await readRepoConfig(dir);
    expect(config).toEqual({
      path: join(dir, REPO_CONFIG_FILE),
      repoId: "abc",
      datastore: { type: "s3", config: { bucket: "b" } },
      data: { repoId: "abc", datastore: { type: "s3", config: { bucket: "b" } }, other: 1 },
    });
  });

  test("an empty file is an empty config", async () => {
    await write("");
    expect(await readRepoConfig(dir)).toEqual({ path: join(dir, REPO_CONFIG_FILE), data: {} });
  });

  test("a missing file is not_found", async () => {
    expect((await swampFailure(readRepoConfig(dir))).code).toBe("not_found");
  });

  test("malformed YAML quotes the file, line and reason", async () => {
    await write("repoId: abc\ndatastore:\n  type: s3\n  config: {bucket: b\n");
    const e = await swampFailure(readRepoConfig(dir));
    expect(e.code).toBe("config_invalid");
    const path = join(dir, REPO_CONFIG_FILE);
    expect(e.message).toMatch(
      new RegExp(
        `^Cannot parse ${path.replaceAll(".", "\\.")} at line \\d+, column \\d+: .+\\. Fix the YAML there`,
      ),
    );
    expect(e.message).toContain("fix or remove the datastore block");
    expect(e.message).not.toContain("\n");
    expect(e.details?.file).toBe(path);
    expect(typeof e.details?.line).toBe("number");
  });

  test("duplicate keys are a parse error with the line", async () => {
    await write("repoId: a\nrepoId: b\n");
    const e = await swampFailure(readRepoConfig(dir));
    expect(e.message).toContain("at line 2, column 1: Map keys must be unique.");
  });

  test("a top level that is not a mapping", async () => {
    await write("- a\n- b\n");
    const e = await swampFailure(readRepoConfig(dir));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toContain("must be a YAML mapping");
  });

  test("a non-string repoId", async () => {
    await write("repoId: [1]\n");
    expect((await swampFailure(readRepoConfig(dir))).message).toStartWith(
      `repoId in ${join(dir, REPO_CONFIG_FILE)} must be a string`,
    );
  });
});

describe("editRepoConfig", () => {
  test("sets and deletes keys, keeping unrelated keys and comments", async () => {
    await write(
      "# my repo\nrepoId: abc # do not change\nother:\n  nested: true\ndatastore:\n  type: filesystem\n  path: /x\n",
    );
    const config = await editRepoConfig(dir, [
      { path: ["datastore", "namespace"], value: "infra" },
      { path: ["datastore", "path"], value: undefined },
    ]);
    expect(config.datastore).toEqual({ type: "filesystem", namespace: "infra" });
    const text = await read();
    expect(text).toContain("# my repo");
    expect(text).toContain("repoId: abc # do not change");
    expect(text).toContain("  nested: true");
    expect((await readRepoConfig(dir)).data).toEqual({
      repoId: "abc",
      other: { nested: true },
      datastore: { type: "filesystem", namespace: "infra" },
    });
  });

  test("replaces a whole block and creates missing parents", async () => {
    await write("repoId: abc\n");
    await editRepoConfig(dir, [{ path: ["datastore"], value: { type: "s3", config: { bucket: "b" } } }]);
    await editRepoConfig(dir, [{ path: ["datastore", "exclude"], value: ["logs/**"] }]);
    expect((await readRepoConfig(dir)).datastore).toEqual({
      type: "s3",
      config: { bucket: "b" },
      exclude: ["logs/**"],
    });
  });

  test("writes atomically: no temp files are left behind", async () => {
    await write("repoId: abc\n");
    await editRepoConfig(dir, [{ path: ["x"], value: 1 }]);
    expect((await readdir(dir)).sort()).toEqual([REPO_CONFIG_FILE]);
  });

  test("refuses to edit a malformed file", async () => {
    await write("a: [\n");
    expect((await swampFailure(editRepoConfig(dir, [{ path: ["x"], value: 1 }]))).code).toBe(
      "config_invalid",
    );
    expect(await read()).toBe("a: [\n");
  });
});

describe("initRepo", () => {
  test("creates .swamp.yaml with a repoId, .swamp/ and models/", async () => {
    const repo = join(dir, "new-repo");
    const result = await initRepo(repo, { host });
    expect(result.alreadyInitialized).toBe(false);
    expect(result.repoIdCreated).toBe(true);
    expect(result.repoDir).toBe(repo);
    expect(result.configPath).toBe(join(repo, REPO_CONFIG_FILE));
    expect((await readRepoConfig(repo)).repoId).toBe(result.repoId);
    expect((await stat(join(repo, ".swamp"))).isDirectory()).toBe(true);
    expect((await stat(join(repo, "models"))).isDirectory()).toBe(true);
    expect((await readdir(repo)).sort()).toEqual([".swamp", REPO_CONFIG_FILE, "models"]);
  });

  test("re-running keeps the repoId and reports alreadyInitialized", async () => {
    const first = await initRepo(dir, { host });
    const second = await initRepo(dir, { host });
    expect(second).toEqual({ ...first, alreadyInitialized: true, repoIdCreated: false });
  });

  test("an existing repo without repoId gets one persisted, keeping its other keys", async () => {
    await write("# keep me\ndatastore:\n  namespace: infra\n");
    const result = await initRepo(dir, { host });
    expect(result.alreadyInitialized).toBe(true);
    expect(result.repoIdCreated).toBe(true);
    const config = await readRepoConfig(dir);
    expect(config.repoId).toBe(result.repoId);
    expect(config.datastore).toEqual({ namespace: "infra" });
    expect(await read()).toContain("# keep me");
    expect((await initRepo(dir, { host })).repoId).toBe(result.repoId);
  });

  test("a malformed existing file is reported, not overwritten", async () => {
    await write("a: [\n");
    expect((await swampFailure(initRepo(dir, { host }))).code).toBe("config_invalid");
    expect(await read()).toBe("a: [\n");
  });

  test("concurrent inits agree on one repoId", async () => {
    const results = await Promise.all([
      initRepo(dir, { host }),
      initRepo(dir, { host }),
      initRepo(dir, { host }),
    ]);
    const ids = new Set(results.map((r) => r.repoId));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.alreadyInitialized)).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
