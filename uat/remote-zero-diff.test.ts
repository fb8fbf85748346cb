import { beforeEach, describe, expect, test } from "bun:test";
import { installCleanup } from "./support/cleanup.ts";
import type { CountingProxy } from "./support/counting-proxy.ts";
import { useProxiedServer } from "./support/proxied-server.ts";
import { REMOTE_KINDS } from "./support/remote.ts";
import { cacheDir, makeRemoteRepo, put, type RemoteRepo } from "./support/remote-repo.ts";
import type { RemoteStatusDoc, StatusDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, type Repo } from "./support/swamp.ts";
import { statTree } from "./support/tree.ts";

installCleanup();

/** The zero-diff fast path: one read of the index meta, nothing else (docs/architecture.md, "Sync"). */
const MAX_REQUESTS = 1;

describe.each(REMOTE_KINDS)("sync with nothing changed (%s)", (kind) => {
  // Every request swamp makes goes through the proxy, which counts it at the server's door.
  const env = useProxiedServer(kind);
  let remote: RemoteRepo;

  beforeEach(async () => {
    remote = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    await put(remote.repo, "vpc", "main", '{"n":1}');
    await put(remote.repo, "vpc", "main", '{"n":2}');
    await put(remote.repo, "subnet", "a", '{"az":"a"}');
    expectExit(await remote.repo.run(["datastore", "sync", "--json"]), 0);
  });

  for (const mode of [[], ["--pull"]]) {
    const label = ["ds sync", ...mode].join(" ");
    test(`a second \`${label}\` makes at most ${MAX_REQUESTS} request and writes nothing in the cache`, async () => {
      await expectZeroDiff(remote.repo, mode, env.proxy);
    });
  }

  test("a clone that pulled once: its next `ds sync` is zero-diff too", async () => {
    const clone = cloneRepo(remote.repo);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    await expectZeroDiff(clone, [], env.proxy);
  });
});

async function expectZeroDiff(repo: Repo, mode: string[], proxy: CountingProxy): Promise<void> {
  const command = ["swamp datastore sync", ...mode].join(" ");
  const before = statTree(cacheDir(repo));
  expect(Object.keys(before).length).toBeGreaterThan(1);
  proxy.reset();
  expectExit(await repo.run(["datastore", "sync", ...mode, "--json"]), 0);
  const requests = proxy.requests();
  if (requests.length > MAX_REQUESTS)
    throw new Error(
      `${command} made ${requests.length} requests with nothing changed (at most ${MAX_REQUESTS} allowed):\n${requests.map((q) => `  ${q.method} ${q.path}`).join("\n")}`,
    );
  const after = statTree(cacheDir(repo));
  const changed = Object.keys({ ...before, ...after }).filter((path) => before[path] !== after[path]);
  if (changed.length > 0)
    throw new Error(
      `${command} wrote in the cache with nothing changed (a directory whose mtime moved had a file created or removed in it):\n${changed.map((path) => `  ${path}: ${before[path] ?? "(absent)"} → ${after[path] ?? "(absent)"}`).join("\n")}`,
    );
  const status = expectExit(await repo.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
  expect(status.remote).toMatchObject({
    pendingPaths: 0,
    pendingBulk: false,
  } satisfies Partial<RemoteStatusDoc>);
}
