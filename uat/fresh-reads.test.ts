import { beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import { requestPath, type SeenRequest } from "./support/counting-proxy.ts";
import { useProxiedServer } from "./support/proxied-server.ts";
import { REMOTE_KINDS } from "./support/remote.ts";
import { cloneVia, makeRemoteRepo, put, type RemoteRepo } from "./support/remote-repo.ts";
import type { GetDoc, ListDoc, QueryDoc, VersionsDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, type Repo, type RunResult } from "./support/swamp.ts";

installCleanup();

/** A read with nothing changed costs the one read of the index meta (docs/architecture.md, "Sync"). */
const ZERO_DIFF_REQUESTS = 1;

describe.each(REMOTE_KINDS)("reads are fresh by default (%s)", (kind) => {
  // Both repos reach the store through the proxy, which counts every request at the server's door.
  const env = useProxiedServer(kind);
  let writer: RemoteRepo;
  let reader: Repo;

  beforeEach(async () => {
    writer = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    await put(writer.repo, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    // A clone that never pulled: .swamp.yaml and models/ only, an empty cache.
    reader = cloneRepo(writer.repo);
  });

  /** Runs `args` on the reader, returning the result and the requests it made. */
  async function counted(args: string[], options: { env?: Record<string, string> } = {}) {
    env.proxy.reset();
    const result = await reader.run(args, options);
    return { result, requests: env.proxy.requests() };
  }

  test("a never-pulled clone reads the writer's data, then sees its next writes, with no manual pull", async () => {
    const got = expectExit(await reader.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ name: "main", version: 1, content: { cidr: "10.0.0.0/16" } });

    await put(writer.repo, "vpc", "edge", '{"cidr":"10.1.0.0/16"}');
    await put(writer.repo, "vpc", "main", '{"cidr":"10.2.0.0/16"}');
    const list = expectExit(await reader.run(["data", "list", "vpc", "--json"]), 0).json<ListDoc>();
    const items = list.groups.flatMap((g) => g.items.map((i) => `${i.name} v${i.version}`));
    expect(items.sort()).toEqual(["edge v1", "main v2"]);

    await put(writer.repo, "vpc", "core", '{"cidr":"10.3.0.0/16"}');
    const query = expectExit(
      await reader.run(["data", "query", 'attributes.cidr == "10.3.0.0/16"', "--json"]),
      0,
    ).json<QueryDoc>();
    expect(query.results.map((r) => r.name)).toEqual(["core"]);

    await put(writer.repo, "vpc", "core", '{"cidr":"10.4.0.0/16"}');
    const versions = expectExit(
      await reader.run(["data", "versions", "vpc", "core", "--json"]),
      0,
    ).json<VersionsDoc>();
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  test(`with nothing changed a read costs ${ZERO_DIFF_REQUESTS} request; --offline and SWAMP_OFFLINE=1 cost none and say how old the cache is`, async () => {
    expectExit(await reader.run(["data", "get", "vpc", "main", "--json"]), 0);
    for (const args of [
      ["data", "get", "vpc", "main", "--json"],
      ["data", "list", "vpc", "--json"],
      ["data", "query", 'modelName == "vpc"', "--json"],
    ]) {
      const { result, requests } = await counted(args);
      expectExit(result, 0);
      expectRequests(args, requests, ZERO_DIFF_REQUESTS);
      expect(result.stderr).toBe("");
    }

    // The writer moves on; an offline read does not see it, and says why.
    await put(writer.repo, "vpc", "main", '{"cidr":"10.9.0.0/16"}');
    for (const [args, extraEnv] of [
      [["data", "get", "vpc", "main", "--offline", "--json"], {}],
      [["data", "get", "vpc", "main", "--json"], { SWAMP_OFFLINE: "1" }],
    ] as const) {
      const { result, requests } = await counted([...args], { env: { ...extraEnv } });
      expect(expectExit(result, 0).json<GetDoc>()).toMatchObject({ version: 1 });
      expectRequests(args, requests, 0);
      expect(result.stderr).toMatch(/Offline: answering from the local cache, cache last pulled \d+ s ago/);
    }
    const human = await counted(["data", "list", "vpc", "--offline"]);
    expect(expectExit(human.result, 0).stdout).toContain("main  v1");
    expect(human.result.stderr).toMatch(/cache last pulled \d+ s ago/);
    expectRequests(["data", "list", "--offline"], human.requests, 0);

    // Online again: the read pulls what changed.
    const fresh = expectExit(await reader.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(fresh).toMatchObject({ version: 2, content: { cidr: "10.9.0.0/16" } });
  });

  test("a never-pulled clone plans a delete from the store, not from its empty cache", async () => {
    await put(writer.repo, "vpc", "main", '{"cidr":"10.5.0.0/16"}');
    const preview = expectExit(
      await reader.run(["data", "delete", "vpc", "main", "--dry-run", "--json"]),
      0,
    ).json<{ wouldDelete: number; dryRun: boolean }>();
    expect(preview).toMatchObject({ wouldDelete: 2, dryRun: true });

    const other = cloneRepo(writer.repo);
    const done = expectExit(await other.run(["data", "delete", "vpc", "main", "--yes", "--json"]), 0);
    expect(done.json<{ versionsDeleted: number }>().versionsDeleted).toBe(2);
    const gone = await writer.repo.run(["data", "get", "vpc", "main", "--json"]);
    expect(expectExit(gone, 1).stderr).toContain("not found");
  });

  test("a lazy clone's fresh read pulls metadata only; the content it reads is fetched then", async () => {
    const file = join(reader.dir, ".swamp.yaml");
    const doc = parse(readFileSync(file, "utf8")) as { datastore: Record<string, unknown> };
    doc.datastore.hydrationStrategy = "lazy";
    writeFileSync(file, stringify(doc));
    await put(writer.repo, "vpc", "edge", '{"cidr":"10.1.0.0/16"}');

    const listed = await counted(["data", "list", "vpc", "--json"]);
    expect(expectExit(listed.result, 0).json<ListDoc>().total).toBe(2);
    expect(listed.requests.filter(isContentRead)).toEqual([]);

    const got = await counted(["data", "get", "vpc", "main", "--json"]);
    expect(expectExit(got.result, 0).json<GetDoc>()).toMatchObject({ content: { cidr: "10.0.0.0/16" } });
    expect(got.requests.filter(isContentRead)).toHaveLength(1);
  });

  test("a store that cannot be reached: the read answers from the cache with a warning saying how old it is", async () => {
    expectExit(await reader.run(["data", "get", "vpc", "main", "--json"]), 0);
    env.proxy.refuse(() => true);
    const { result, requests } = await counted(["data", "get", "vpc", "main", "--json"]);
    expect(expectExit(result, 0).json<GetDoc>()).toMatchObject({ version: 1 });
    expect(requests.length).toBeGreaterThan(0);
    const warning = warningOf(result);
    expect(warning).toMatch(
      /could not be reached \(.+\), so this answer comes from the local cache, cache last pulled \d+ s ago/,
    );
    expect(warning).toContain("swamp datastore sync --pull");

    // A store that accepts connections and never answers: the read waits 10 s for a first
    // answer; a clone that never pulled says so rather than an age.
    const silent = await silentServer();
    try {
      const never = await cloneVia(writer.repo, silent.url).run(["data", "list", "vpc"]);
      expect(expectExit(never, 0).stdout).toContain("No data yet");
      expect(never.stderr).toContain("could not be reached (no answer within 10 s)");
      expect(never.stderr).toContain("which was never pulled");
    } finally {
      await silent.stop();
    }
  });
});

/** A read of a version's content (`…/{N}/raw`), which a lazy pull leaves in the store. */
const isContentRead = (q: SeenRequest) => q.method === "GET" && /\/\d+\/raw($|\?)/.test(requestPath(q));

/** A server on loopback that accepts connections and never answers. */
async function silentServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function expectRequests(args: readonly string[], requests: SeenRequest[], expected: number): void {
  if (requests.length !== expected)
    throw new Error(
      `swamp ${args.join(" ")} made ${requests.length} request(s), expected ${expected}:\n${requests.map((q) => `  ${q.method} ${q.path}`).join("\n")}`,
    );
}

/** The one `{"warning": …}` line of a `--json` run's stderr. */
function warningOf(result: RunResult): string {
  const lines = result.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  return (JSON.parse(lines[0] as string) as { warning: string }).warning;
}
