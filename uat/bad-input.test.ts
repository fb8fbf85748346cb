import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { QueryDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, type Repo, type RunResult, run } from "./support/swamp.ts";
import { snapshotTree } from "./support/tree.ts";

installCleanup();

/** What a failed command must leave untouched: records, model definitions and the repo marker. */
function userFiles(repo: Repo): Record<string, string> {
  return snapshotTree(repo.dir, [".swamp.yaml", "models", ".swamp/data"], (path) =>
    path.includes("_catalog.db"),
  );
}

/** Runs a command that must fail: non-zero exit, `{error, code}` on stderr, nothing on stdout, no write. */
async function expectRejected(
  repo: Repo,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const before = userFiles(repo);
  const r = await repo.run([...args, "--json"], { env });
  if (r.code === 0 || r.timedOut)
    throw new Error(`expected a failure.\nswamp ${r.args.join(" ")} exited ${r.code}`);
  expect(r.stdout).toBe("");
  const doc = r.errorJson();
  expect(typeof doc.error).toBe("string");
  expect(typeof doc.code).toBe("string");
  expect(userFiles(repo)).toEqual(before);
  return r;
}

describe("bad input gets a clear message, a non-zero exit and no partial write", () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeRepo();
    expectExit(
      await repo.run(["data", "put", "vpc", "main", "--model-type", "aws::ec2::vpc", "--value", '{"n":1}']),
      0,
    );
  });

  test("an unknown model is not_found; put without --model-type says to pass it", async () => {
    const get = await expectRejected(repo, ["data", "get", "nope", "x"]);
    expect(get.errorJson().code).toBe("not_found");
    expect(get.errorJson().error).toContain("nope");

    const put = await expectRejected(repo, ["data", "put", "nope", "x", "--value", "1"]);
    expect(put.errorJson().code).toBe("not_found");
    expect(put.errorJson().error).toContain("nope");
    expect(put.errorJson().error).toContain("--model-type");

    const log = await repo.run(["data", "get", "nope", "x"]);
    expect(log.code).toBe(1);
    expect(log.stdout).toBe("");
    expect(log.stderr).toContain("nope");
  });

  for (const name of ["..", "a/b", "latest", "LATEST"]) {
    test(`data name ${JSON.stringify(name)} is rejected`, async () => {
      for (const modelArgs of [[], ["--model-type", "aws::ec2::vpc"]]) {
        const r = await expectRejected(repo, ["data", "put", "vpc", name, ...modelArgs, "--value", "1"]);
        expect(r.errorJson().code).toBe("validation_failed");
        expect(r.errorJson().error).toContain(`"${name}"`);
      }
      const fresh = await expectRejected(repo, [
        "data",
        "put",
        "fresh",
        name,
        "--model-type",
        "fresh",
        "--value",
        "1",
      ]);
      expect(fresh.errorJson().error).toContain(`"${name}"`);
      if (name.toLowerCase() === "latest") expect(fresh.errorJson().error).toMatch(/reserved/i);
    });
  }

  test("a malformed .swamp.yaml is named in the error", async () => {
    const broken = await makeRepo();
    writeFileSync(join(broken.dir, ".swamp.yaml"), `repoId: ${broken.repoId}\ndatastore: [unclosed\n`);
    for (const args of [
      ["ds", "status"],
      ["data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1"],
    ]) {
      const r = await expectRejected(broken, args);
      expect(r.errorJson().code).toBe("config_invalid");
      expect(r.errorJson().error).toContain(".swamp.yaml");
    }
    const log = await broken.run(["data", "list", "vpc"]);
    expect(log.code).toBe(1);
    expect(log.stderr).toContain(".swamp.yaml");
  });

  const badDatastores: [string, string][] = [
    ["nocolon", 'Invalid SWAMP_DATASTORE format: "nocolon"'],
    ["weird:/x", 'Unknown datastore type: "weird"'],
    ["s3:{bad json", 'Invalid JSON config for datastore type "s3"'],
  ];
  for (const [value, message] of badDatastores) {
    test(`SWAMP_DATASTORE=${value} is config_invalid`, async () => {
      const env = { SWAMP_DATASTORE: value };
      for (const args of [
        ["data", "put", "vpc", "main", "--value", "2"],
        ["ds", "status"],
      ]) {
        const r = await expectRejected(repo, args, env);
        expect(r.errorJson().code).toBe("config_invalid");
        expect(r.errorJson().error).toContain(message);
        expect(r.errorJson().error).toContain("SWAMP_DATASTORE");
      }
    });
  }

  test("a corrupt lock file is reported with the command that clears it", async () => {
    const locked = await makeRepo();
    const lockFile = join(locked.dir, ".swamp", ".datastore.lock");
    writeFileSync(lockFile, "\x00\xff garbage {not json");
    const env = { SWAMP_LOCK_TIMEOUT_MS: "1500" };

    const r = await expectRejected(locked, ["data", "gc", "--yes"], env);
    expect(r.errorJson().error).toMatch(/corrupt/i);
    expect(r.errorJson().error).toContain("swamp datastore lock release --force");
    const log = await locked.run(["data", "gc", "--yes"], { env });
    expect(log.code).not.toBe(0);
    expect(log.stderr).toContain("swamp datastore lock release --force");

    expectExit(await locked.run(["ds", "lock", "release", "--force"]), 0);
    expectExit(await locked.run(["data", "gc", "--yes"], { env }), 0);
  });

  test("a deleted catalog is rebuilt by the next query", async () => {
    const r = await makeRepo();
    for (const n of [1, 2, 3])
      expectExit(
        await r.run(["data", "put", "vpc", "main", "--model-type", "vpc", "--value", `{"n":${n}}`]),
        0,
      );
    const dataDir = join(r.dir, ".swamp", "data");
    for (const f of readdirSync(dataDir).filter((f) => f.startsWith("_catalog.db"))) rmSync(join(dataDir, f));
    await expectCatalogAnswers(r);
  });

  test("a corrupt catalog is rebuilt by the next query, not fatal", async () => {
    const r = await makeRepo();
    for (const n of [1, 2, 3])
      expectExit(
        await r.run(["data", "put", "vpc", "main", "--model-type", "vpc", "--value", `{"n":${n}}`]),
        0,
      );
    writeFileSync(join(r.dir, ".swamp", "data", "_catalog.db"), Buffer.alloc(8192, "garbage!"));
    await expectCatalogAnswers(r);
    expect(
      expectExit(await r.run(["data", "put", "vpc", "main", "--value", '{"n":4}', "--json"]), 0).json<{
        version: number;
      }>().version,
    ).toBe(4);
    const again = await r.run(["data", "query", 'modelName == "vpc"', "--json"]);
    expect(
      expectExit(again, 0)
        .json<QueryDoc>()
        .results.map((x) => x.version),
    ).toEqual([4]);
  });
});

describe("usage errors", () => {
  test("an unknown command exits 2", async () => {
    for (const args of [["nope"], ["data", "nope"], ["ds", "lock", "nope"]]) {
      const r = await run(args);
      expectExit(r, 2);
      expect(r.stderr).toContain("nope");
      expect(r.stderr).toContain("--help");
    }
    const json = await run(["--json", "data", "nope"]);
    expectExit(json, 2);
    expect(json.stdout).toBe("");
    expect(json.errorJson().code).toBe("usage");
  });
});

async function expectCatalogAnswers(repo: Repo): Promise<void> {
  const latest = expectExit(
    await repo.run(["data", "query", 'modelName == "vpc"', "--json"]),
    0,
  ).json<QueryDoc>();
  expect(latest.total).toBe(1);
  expect(latest.results[0]).toMatchObject({ name: "main", version: 3, isLatest: true, content: { n: 3 } });
  const all = expectExit(await repo.run(["data", "query", "version >= 1", "--json"]), 0).json<QueryDoc>();
  expect(all.results.map((x) => x.version).sort()).toEqual([1, 2, 3]);
}
