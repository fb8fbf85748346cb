import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import { useProxiedServer } from "./support/proxied-server.ts";
import { REMOTE_KINDS } from "./support/remote.ts";
import { cloneVia, makeRemoteRepo, put } from "./support/remote-repo.ts";
import { describeRun, expectExit, makeRepo, type Repo, type RunResult, SWAMP_BIN } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

/** The lines of stderr, "Syncing with remote..." (an info line) left out. */
function errorLines(r: RunResult): string[] {
  return r.stderr.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("Syncing"));
}

/** Points `repo`'s datastore config at another bucket or endpoint. */
function editDatastore(repo: Repo, edit: Record<string, string>): void {
  const file = join(repo.dir, ".swamp.yaml");
  const doc = parse(readFileSync(file, "utf8")) as { datastore: { config: Record<string, unknown> } };
  Object.assign(doc.datastore.config, edit);
  writeFileSync(file, stringify(doc));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Fails unless the error is two sentences (what happened, what to do) with no nested "failed:". */
function expectFlatError(r: RunResult, what: string, todo: string): void {
  const lines = errorLines(r);
  expect(lines, describeRun(r)).toHaveLength(1);
  const [line] = lines;
  expect(line).toStartWith(`Error: ${what}. `);
  expect(line).toContain(todo);
  expect(line).not.toContain("failed:");
  expect(line).not.toContain("Caused by");
}

describe.each(REMOTE_KINDS)("-q, -v and SWAMP_LOG=debug (%s)", (kind) => {
  const env = useProxiedServer(kind);

  test("-q prints only the results: stderr stays empty on success", async () => {
    const { repo } = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    const loud = expectExit(await repo.run(["ds", "sync"]), 0);
    expect(loud.stderr).toContain("Syncing with remote...");
    const commands = [
      ["data", "put", "vpc", "main", "--model-type", "uat", "--value", '{"cidr":"10.0.0.0/16"}'],
      ["data", "get", "vpc", "main"],
      ["data", "list", "vpc"],
      ["data", "query", "true"],
      ["ds", "sync"],
      ["ds", "status", "--once"],
    ];
    for (const args of commands) {
      const r = expectExit(await repo.run(["-q", ...args]), 0);
      expect(r.stdout.trim(), describeRun(r)).not.toBe("");
      expect(r.stderr, describeRun(r)).toBe("");
    }
  });

  test("-v tells each step of a sync with its requests, bytes and time, then a total that matches the requests made", async () => {
    const writer = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    for (let i = 1; i <= 12; i++) await put(writer.repo, "vpc", `n${i}`, `{"i":${i}}`);
    const clone = cloneVia(writer.repo, env.proxy.url);
    env.proxy.reset();
    const r = expectExit(await clone.run(["-v", "ds", "sync", "--pull"]), 0);
    const made = env.proxy.requests().length;
    expect(r.stderr).toMatch(/^pull: read the index \(\d+ requests?, [\d.]+K?B in, \d+ ms\)$/m);
    expect(r.stderr).toMatch(/^pull: downloaded \d+ files \(\d+ requests, [\d.]+K?B in, \d+ ms\)$/m);
    expect(r.stderr).toMatch(/^pull: done \(\d+ requests, [\d.]+K?B in, \d+ ms\)$/m);
    const total = r.stderr.match(
      /^Total: (\d+) requests \((.+)\), ([\d.]+K?B) in, ([\d.]+K?B) out, (\d+) ms elapsed\.$/m,
    );
    expect(total, describeRun(r)).not.toBeNull();
    expect(Number(total?.[1])).toBe(made);
    expect(made).toBeGreaterThan(12);
    // Without -v, none of it.
    const quiet = expectExit(await clone.run(["ds", "sync", "--pull"]), 0);
    expect(quiet.stderr).not.toContain("pull: ");
    expect(quiet.stderr).not.toContain("Total:");
  });

  test("SWAMP_LOG=debug traces one line per store request: as many as reached the server", async () => {
    const { repo } = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    env.proxy.reset();
    const r = expectExit(
      await repo.run(["data", "put", "vpc", "main", "--model-type", "uat", "--value", "{}"], {
        env: { SWAMP_LOG: "debug" },
      }),
      0,
    );
    const traces = r.stderr.split("\n").filter((line) => line.startsWith("debug: store "));
    expect(traces.length).toBeGreaterThan(3);
    expect(traces.length).toBe(env.proxy.requests().length);
    for (const line of traces)
      expect(line).toMatch(/^debug: store (head|get|put|delete|list) \S+ → .+ \((.+, )?\d+ ms\)$/);
    expect(
      traces.some((line) => /^debug: store put data\/\S+ → ok \([\d.]+K?B out, \d+ ms\)$/.test(line)),
    ).toBe(true);
    const plain = expectExit(await repo.run(["data", "get", "vpc", "main"]), 0);
    expect(plain.stderr).not.toContain("debug:");
  });
});

describe.each(REMOTE_KINDS)("errors in two plain sentences, the chain with -v (%s)", (kind) => {
  const env = useProxiedServer(kind);
  const endpointKey = kind === "s3" ? "endpoint" : "apiEndpoint";
  const request =
    kind === "s3"
      ? /^ {2}S3 GET _index\/_meta\.json on s3:\/\//
      : /^ {2}GCS GET _index\/_meta\.json on gs:\/\//;

  test("a bucket that does not exist", async () => {
    const { repo } = await makeRemoteRepo(env.server);
    editDatastore(repo, { bucket: "acc-x-missing" });
    const r = expectExit(await repo.run(["ds", "sync"]), 1);
    expectFlatError(
      r,
      'Bucket "acc-x-missing" does not exist',
      `Create it, or point this repo at another bucket with 'swamp datastore setup ${kind} --bucket NAME'.`,
    );

    const verbose = expectExit(await repo.run(["-v", "ds", "sync"]), 1);
    expect(verbose.stderr).toContain('Error: Bucket "acc-x-missing" does not exist.');
    const chain = verbose.stderr.slice(verbose.stderr.indexOf("Caused by:"));
    expect(chain).toMatch(
      /^ {2}pull from (s3|gs):\/\/acc-x-missing.*: the cache was not recorded as synced$/m,
    );
    expect(chain).toMatch(new RegExp(`${request.source}acc-x-missing`, "m"));
    expect(chain).toMatch(/bucket does not exist/i);

    const json = expectExit(await repo.run(["ds", "sync", "--json"]), 1).errorJson();
    expect(json.error).toStartWith('Bucket "acc-x-missing" does not exist.');
    expect(json.code).toBe("sync_failed");
    expect(json.causes?.at(-1)).toMatch(/bucket does not exist/i);
  });

  test("a server that refuses the connection", async () => {
    const { repo } = await makeRemoteRepo(env.server);
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    editDatastore(repo, { [endpointKey]: endpoint });
    const r = expectExit(await repo.run(["ds", "sync"]), 1);
    expectFlatError(r, `Cannot reach ${endpoint} (connection refused)`, "run the command again");

    const verbose = expectExit(await repo.run(["-v", "ds", "sync"]), 1);
    const chain = verbose.stderr.slice(verbose.stderr.indexOf("Caused by:"));
    expect(chain).toContain("gave up after 3 attempts");
    expect(chain).toMatch(new RegExp(request.source, "m"));
    expect(chain).toMatch(/ECONNREFUSED|ConnectionRefused|Unable to connect/);

    const put = expectExit(
      await repo.run(["data", "put", "vpc", "x", "--model-type", "uat", "--value", "1"]),
      1,
    );
    expectFlatError(put, `Cannot reach ${endpoint} (connection refused)`, "swamp datastore status");
  });
});

describe("destructive confirmations list what will go", () => {
  async function repoWithNames(count: number): Promise<Repo> {
    const repo = await makeRepo();
    for (let i = 1; i <= count; i++) await put(repo, "vpc", `n${String(i).padStart(2, "0")}`, "{}");
    return repo;
  }
  const firstTen = Array.from({ length: 10 }, (_, i) => `n${String(i + 1).padStart(2, "0")}`).join(", ");

  test("without a terminal, the preview names the first ten and counts the rest, and says to pass --yes", async () => {
    const repo = await repoWithNames(13);
    const r = expectExit(await repo.run(["data", "delete", "vpc", "--all"]), 0);
    expect(r.stdout.trim()).toBe(
      `Would delete 13 version(s) of ${firstTen} … and 3 more from vpc. Run again with --yes to delete.`,
    );
    const left = expectExit(await repo.run(["data", "list", "vpc", "--json"]), 0);
    expect(left.stdout).toContain('"n13"');
  });

  test("on a terminal, the question names the first ten and counts the rest", async () => {
    const repo = await repoWithNames(12);
    const tty = await TmuxSession.start(`${SWAMP_BIN} data delete vpc --all`, {
      cwd: repo.dir,
      env: repo.env,
      width: 300,
    });
    const screen = await tty.waitForText(["… and 2 more", "[y/N]"]);
    expect(screen).toContain(
      `About to delete 12 version(s) of 12 name(s) (${firstTen} … and 2 more) from vpc.`,
    );
    await tty.sendKeys("n", "Enter");
    await tty.waitForText(["Run again with --yes to delete."]);
  });
});
