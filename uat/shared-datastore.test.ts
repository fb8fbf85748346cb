import { beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { type RemoteServer, startRemote } from "./support/remote.ts";
import { makeRemoteRepo, put } from "./support/remote-repo.ts";
import type { ListDoc, QueryDoc, SetupDoc, VersionsDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, makeSandbox, type Repo, run, tempDir } from "./support/swamp.ts";

installCleanup();

/** Names (with their latest version) `data query` returns for `predicate`, from `--json`. */
async function queried(repo: Repo, predicate: string): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", predicate, "--json"]), 0).json<QueryDoc>();
  return doc.results.map((r) => `${r.name}@${r.version}`).sort();
}

/** `data list <model> --json`: each name with its latest version. */
async function listed(repo: Repo, model: string): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "list", model, "--json"]), 0).json<ListDoc>();
  return doc.groups
    .flatMap((g) => g.items)
    .map((i) => `${i.name}@${i.version}`)
    .sort();
}

const ALL_VPC = 'modelName == "vpc"';

/** `data put vpc <name>`, the model typed as `data put` first created it. */
const putVpc = (repo: Repo, name: string, value: string) => put(repo, "vpc", name, value, "aws::ec2::vpc");

describe("two repos on one external filesystem datastore", () => {
  let a: Repo;
  let b: Repo;
  let shared: string;

  beforeAll(async () => {
    shared = tempDir("shared");
    [a, b] = [await makeRepo(), await makeRepo()];
    for (const repo of [a, b]) {
      const setup = await repo.run(["datastore", "setup", "filesystem", "--path", shared, "--json"]);
      expect(expectExit(setup, 0).json<SetupDoc>()).toMatchObject({ path: shared, errors: [] });
    }
    await putVpc(a, "first", '{"n":1}');
    // B knows the model (models/ is checked in with the repo), and has read the datastore once.
    cpSync(join(a.dir, "models"), join(b.dir, "models"), { recursive: true });
    expect(await queried(b, ALL_VPC)).toEqual(["first@1"]);
    expect(await listed(b, "vpc")).toEqual(["first@1"]);
  });

  test("a record A puts shows at once in B's data query and data list", async () => {
    await putVpc(a, "added", '{"n":2}');
    expect(await queried(b, 'name == "added"')).toEqual(["added@1"]);
    expect(await listed(b, "vpc")).toEqual(["added@1", "first@1"]);
  });

  test("a version A adds shows in B's data versions, and is B's latest", async () => {
    await putVpc(a, "first", '{"n":3}');
    const versions = expectExit(
      await b.run(["data", "versions", "vpc", "first", "--json"]),
      0,
    ).json<VersionsDoc>();
    expect(versions.versions.map((v) => [v.version, v.isLatest])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(await queried(b, 'name == "first"')).toEqual(["first@2"]);
    expect(await listed(b, "vpc")).toContain("first@2");
  });

  test("a record A deletes is gone from B's data query and data list", async () => {
    await putVpc(a, "doomed", '{"n":4}');
    expect(await queried(b, 'name == "doomed"')).toEqual(["doomed@1"]);
    expectExit(await a.run(["data", "delete", "vpc", "doomed", "--yes", "--json"]), 0);
    expect(await queried(b, 'name == "doomed"')).toEqual([]);
    expect(await listed(b, "vpc")).not.toContain("doomed@1");
  });

  test("a version A deletes: B's latest steps back", async () => {
    await putVpc(a, "stepping", '{"v":1}');
    await putVpc(a, "stepping", '{"v":2}');
    expect(await queried(b, 'name == "stepping"')).toEqual(["stepping@2"]);
    expectExit(await a.run(["data", "delete", "vpc", "stepping", "--version", "2", "--yes", "--json"]), 0);
    expect(await queried(b, 'name == "stepping"')).toEqual(["stepping@1"]);
    expect(await listed(b, "vpc")).toContain("stepping@1");
  });

  test("a repo that joins with records of its own (setup migrates them in): the others see them at once", async () => {
    const c = await makeRepo();
    await put(c, "subnet", "from-c", '{"by":"c"}', "aws::ec2::subnet");
    expect(await queried(b, 'name == "from-c"')).toEqual([]);
    const setup = await c.run(["datastore", "setup", "filesystem", "--path", shared, "--json"]);
    expect(expectExit(setup, 0).json<SetupDoc>()).toMatchObject({
      errors: [],
      directoriesMigrated: ["data"],
    });
    expect(await queried(b, 'name == "from-c"')).toEqual(["from-c@1"]);
    expect(await queried(c, 'name == "from-c"')).toEqual(["from-c@1"]);
  });

  test("it works both ways: what B writes, A sees, and A's own writes stay right", async () => {
    await putVpc(b, "from-b", '{"by":"b"}');
    expect(await queried(a, 'name == "from-b"')).toEqual(["from-b@1"]);
    expect(await queried(a, ALL_VPC)).toEqual(await queried(b, ALL_VPC));
    expect(await listed(a, "vpc")).toEqual(await listed(b, "vpc"));
  });
});

describe("datastore setup run again over an earlier, partial copy", () => {
  test("a `latest` marker that differs at the destination is rewritten from the versions, never a conflict", async () => {
    const repo = await makeRepo();
    await putVpc(repo, "web", '{"v":1}');
    const second = await putVpc(repo, "web", '{"v":2}');
    // What an earlier move left: v1 and its marker, not v2.
    const dest = tempDir("partial");
    cpSync(join(repo.dir, ".swamp", "data"), join(dest, "data"), { recursive: true });
    const nameDir = join(dest, "data", "aws", "ec2", "vpc", second.modelId, "web");
    rmSync(join(nameDir, "2"), { recursive: true });
    writeFileSync(join(nameDir, "latest"), "1");

    const setup = await repo.run(["datastore", "setup", "filesystem", "--path", dest, "--json"]);
    expect(expectExit(setup, 0).json<SetupDoc>()).toMatchObject({ errors: [], filesCopied: 2 });
    expect(readFileSync(join(nameDir, "latest"), "utf8")).toBe("2");
    expect(await listed(repo, "vpc")).toEqual(["web@2"]);
  });
});

describe("two checkouts of one repo sharing a remote datastore's cache on one machine", () => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote("s3");
  });

  test("what one checkout pulls into the cache shows in the other's queries, deletions too", async () => {
    const writer = await makeRemoteRepo(server);
    await put(writer.repo, "vpc", "first", '{"n":1}');
    const source = writer.repo.dir;
    // Two checkouts of the writer's repo on another machine: same repoId and SWAMP_HOME, so one cache.
    const [x, y] = [tempDir("checkout-x"), tempDir("checkout-y")];
    for (const dir of [x, y]) {
      copyFileSync(join(source, ".swamp.yaml"), join(dir, ".swamp.yaml"));
      cpSync(join(source, "models"), join(dir, "models"), { recursive: true });
    }
    const env = { ...server.env, ...makeSandbox().env };
    const inX = (args: string[]) => run(args, { cwd: x, env });
    const inY = (args: string[]) => run(args, { cwd: y, env });
    const pull = async () => expectExit(await inX(["datastore", "sync", "--pull", "--json"]), 0);
    const names = async (inRepo: typeof inX) =>
      expectExit(await inRepo(["data", "query", "true", "--json"]), 0)
        .json<QueryDoc>()
        .results.map((r) => `${r.name}@${r.version}`)
        .sort();

    await pull();
    expect(await names(inY)).toEqual(["first@1"]);

    await put(writer.repo, "vpc", "second", '{"n":2}');
    await put(writer.repo, "vpc", "first", '{"n":3}');
    await pull();
    expect(await names(inY)).toEqual(["first@2", "second@1"]);

    expectExit(await writer.repo.run(["data", "delete", "vpc", "second", "--yes", "--json"]), 0);
    await pull();
    expect(await names(inY)).toEqual(["first@2"]);
    expect(await names(inX)).toEqual(["first@2"]);
  });
});
