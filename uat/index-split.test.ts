import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { installCleanup } from "./support/cleanup.ts";
import { expectHealthy } from "./support/doctor.ts";
import { joinNamespace } from "./support/namespace-repos.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import type { QueryDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, type Repo } from "./support/swamp.ts";

installCleanup();

const PREFIX = "p";

/** Every version the repo's catalog holds, as `name@version=content`. */
async function versions(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", "version > 0", "--json"]), 0).json<QueryDoc>();
  return doc.results.map((r) => `${r.name}@${r.version}=${JSON.stringify(r.content)}`).sort();
}

// Split index partitions (docs/architecture.md, "Split partitions"), through the binary: with
// SWAMP_INDEX_SPLIT_ENTRIES=2 every partition of more than two entries is held in buckets.
describe.each(REMOTE_KINDS)("split index partitions (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("puts build a version-3 index of gzipped bucket shards; a clone pulls every version; doctor finds nothing", async () => {
    const bucket = await server.createBucket();
    const split = { ...server, env: { ...server.env, SWAMP_INDEX_SPLIT_ENTRIES: "2" } };
    const infra = await joinNamespace(split, bucket, "infra", PREFIX);
    for (const [name, value] of [
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
      ["a", "4"],
      ["d", "5"],
    ] as const)
      await put(infra, "vpc", name, value);
    const meta = JSON.parse(
      new TextDecoder().decode((await bucket.get(`${PREFIX}/infra/_index/_meta.json`)) ?? undefined),
    );
    expect(meta.version).toBe(3);
    const shards = (await bucket.keys(`${PREFIX}/infra/_index/`)).filter((key) => key.endsWith(".json.gz"));
    expect(shards.length).toBeGreaterThan(1);

    const clone = cloneRepo(infra);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    const expected = await versions(infra);
    expect(expected).toHaveLength(5);
    expect(await versions(clone)).toEqual(expected);
    await put(clone, "vpc", "e", "6");
    expectExit(await infra.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(await versions(infra)).toEqual(await versions(clone));
    await expectHealthy(infra);
  });
});
