import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { jsonTable, readme, shapeProblems } from "./support/readme.ts";
import { type RemoteServer, startRemote } from "./support/remote.ts";
import {
  describeRun,
  expectExit,
  makeRepo,
  type Repo,
  type RunResult,
  run,
  tempDir,
} from "./support/swamp.ts";

installCleanup();

/**
 * Every command's `--json` output against the README's "JSON output" table (docs/architecture.md,
 * "JSON documents"): each documented field present with its type, nothing undocumented, and no
 * command of the binary missing from the table or from this test.
 */

const table = jsonTable(readme());
/** command (full group names, e.g. "datastore lock status") → the documents it printed. */
const seen = new Map<string, { doc: unknown; r: RunResult }[]>();
let commands: string[] = [];

/** The binary's commands, found the way completion finds them: `__complete`, and `--help` to tell groups. */
async function cliCommands(path: string[] = []): Promise<string[]> {
  const words = (await run(["__complete", ...path, ""])).stdout
    .split("\n")
    .filter((w) => /^[a-z][a-z0-9-]*$/.test(w));
  const found: string[] = [];
  for (const word of words) {
    const help = expectExit(await run([...path, word, "--help"]), 0).stdout;
    if (help.includes("\nCommands:\n")) found.push(...(await cliCommands([...path, word])));
    else found.push([...path, word].join(" "));
  }
  return found;
}

/** The command `args` run, by its full name (`ds` is `datastore`). */
function commandOf(args: readonly string[]): string {
  const words = args.map((w) => (w === "ds" ? "datastore" : w));
  const match = commands
    .filter((c) => c.split(" ").every((w, i) => words[i] === w))
    .sort((a, b) => b.length - a.length)[0];
  if (!match) throw new Error(`no command of the binary runs ${args.join(" ")}`);
  return match;
}

/** Runs `args --json` in `repo` (or outside any repo), expects `code`, and records its document. */
async function record(repo: Repo | null, args: string[], code = 0): Promise<Record<string, unknown>> {
  const r = expectExit(repo ? await repo.run([...args, "--json"]) : await run([...args, "--json"]), code);
  if (r.stdout.trim() === "") throw new Error(`empty output\n${describeRun(r)}`);
  const doc = r.json<Record<string, unknown>>();
  const command = commandOf(args);
  seen.set(command, [...(seen.get(command) ?? []), { doc, r }]);
  return doc;
}

beforeAll(async () => {
  commands = await cliCommands();
});

describe("every command's --json output matches the README's table", () => {
  test("the binary's commands are found (the check below cannot pass on an empty list)", () => {
    expect(commands).toContain("data put");
    expect(commands).toContain("datastore lock status");
    expect(commands.length).toBeGreaterThan(20);
  });

  test("data commands, doctor, version and completion on a folder datastore", async () => {
    const dir = tempDir("readme-json-init");
    await record(null, ["repo", "init", "--repo-dir", dir]);
    const repo = await makeRepo();
    await record(repo, ["data", "put", "vpc", "main", "--model-type", "aws::ec2::vpc", "--value", '{"a":1}']);
    for (const name of ["tmp-a", "tmp-b", "tmp-c"])
      await record(repo, ["data", "put", "vpc", name, "--value", "x"]);
    await record(repo, ["data", "put", "vpc", "main", "--value", '{"a":2}', "--gc", "1"]);
    await record(repo, ["data", "get", "vpc", "main"]);
    await record(repo, ["data", "get", "vpc", "main", "--output", join(repo.dir, "out.json")]);
    await record(repo, ["data", "list", "vpc"]);
    await record(repo, ["data", "versions", "vpc", "main"]);
    await record(repo, ["data", "query", "true"]);
    await record(repo, ["data", "query", "true", "--select", "name"]);
    await record(repo, ["data", "delete", "vpc", "--prefix", "tmp-", "--dry-run"]);
    await record(repo, ["data", "delete", "vpc", "tmp-a", "--dry-run"]);
    await record(repo, ["data", "delete", "vpc", "tmp-a", "--version", "1", "-y"]);
    await record(repo, ["data", "delete", "vpc", "--prefix", "tmp-", "-y"]);
    await record(repo, ["data", "rename", "vpc", "main", "core"]);
    await record(repo, ["data", "gc", "--dry-run"]);
    await record(repo, ["data", "gc", "-y"]);
    await record(repo, ["doctor"]);
    await record(repo, ["doctor", "--repair", "-y"]);
    await record(repo, ["datastore", "status"]);
    await record(repo, ["datastore", "lock", "status"]);
    await record(repo, ["datastore", "lock", "release", "--force"]);
    await record(repo, ["datastore", "compact"]);
    await record(null, ["version"]);
    await record(null, ["completion", "bash"]);
  });

  test("namespace commands and setup filesystem on a folder datastore", async () => {
    const repo = await makeRepo();
    await record(repo, ["data", "put", "vpc", "main", "--model-type", "aws::ec2::vpc", "--value", "x"]);
    await record(repo, ["datastore", "namespace", "set", "infra"]);
    await record(repo, ["datastore", "namespace", "migrate"]);
    await record(repo, ["datastore", "namespace", "migrate", "--confirm"]);
    await record(repo, ["datastore", "namespace", "list"]);
    await record(repo, ["datastore", "namespaces"]);
    await record(repo, ["datastore", "status"]);
    await record(repo, ["datastore", "namespace", "unset", "--migrate"]);
    await record(repo, ["datastore", "namespace", "unset", "--migrate", "-y"]);
    await record(repo, ["datastore", "namespace", "set", "infra"]);
    await record(repo, ["datastore", "namespace", "unset"]);
    await record(repo, ["datastore", "setup", "filesystem", "--path", tempDir("readme-json-fs")]);
  });

  describe("remote-only commands on S3 (moto) and GCS", () => {
    let s3: RemoteServer;
    let gcs: RemoteServer;
    beforeAll(async () => {
      [s3, gcs] = await Promise.all([startRemote("s3"), startRemote("gcs")]);
    });

    test("setup s3/minio/extension, sync, catalog pull and status on a bucket", async () => {
      const bucket = await s3.createBucket();
      const infra = await makeRepo(s3.env);
      await record(infra, [...s3.setupArgs(bucket.name, { prefix: "p" }), "--namespace", "infra"]);
      await record(infra, [
        "data",
        "put",
        "vpc",
        "main",
        "--model-type",
        "aws::ec2::vpc",
        "--value",
        '{"a":1}',
      ]);
      const apps = await makeRepo(s3.env);
      const minio = ["datastore", "setup", "minio", "--endpoint", s3.endpoint, "--bucket", bucket.name];
      await record(apps, [...minio, "--prefix", "p", "--namespace", "apps"]);
      await record(apps, ["data", "put", "web", "main", "--model-type", "app", "--value", "x"]);
      await record(apps, ["datastore", "catalog", "pull", "--all"]);
      await record(apps, ["datastore", "sync"]);
      await record(apps, ["datastore", "sync", "--pull", "--hydrate"]);
      await record(apps, ["datastore", "sync", "--push"]);
      await record(apps, ["datastore", "status"]);
      await record(apps, ["datastore", "lock", "status"]);
      await record(apps, ["doctor"]);
      const config = { bucket: (await s3.createBucket()).name, region: "us-east-1", endpoint: s3.endpoint };
      const ext = await makeRepo(s3.env);
      const extension = ["datastore", "setup", "extension", "@swamp/s3-datastore", "--config"];
      await record(ext, [...extension, JSON.stringify({ ...config, forcePathStyle: true })]);
    });

    test("setup gcs", async () => {
      const repo = await makeRepo(gcs.env);
      await record(repo, ["data", "put", "vpc", "main", "--model-type", "aws::ec2::vpc", "--value", "x"]);
      await record(repo, gcs.setupArgs((await gcs.createBucket()).name));
    });
  });

  test("each output has the documented fields and types and nothing else; every command is in the table and was run", () => {
    const problems: string[] = [];
    for (const command of commands) {
      const fields = table.get(command);
      const runs = seen.get(command) ?? [];
      if (!fields) problems.push(`${command}: no row in the README's "JSON output" table`);
      if (runs.length === 0) problems.push(`${command}: this test never ran it`);
      for (const { doc, r } of runs)
        for (const p of fields ? shapeProblems(doc, fields) : [])
          problems.push(`${command} (swamp ${r.args.join(" ")}): ${p}`);
    }
    for (const command of table.keys())
      if (!commands.includes(command)) problems.push(`${command}: in the README's table but not a command`);
    expect(problems).toEqual([]);
    expect(seen.size).toBe(commands.length);
  });
});
