import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { bucketData, cacheDir, isNotData, makeRemoteRepo, put } from "./support/remote-repo.ts";
import type { GetDoc, QueryDoc, SelectDoc, SetupDoc, StatusDoc, SyncDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, type Repo } from "./support/swamp.ts";
import { snapshotTree } from "./support/tree.ts";

installCleanup();

/** The cache's data files of `repo`, path → sha256 (markers and temps left out). */
const cachedData = (repo: Repo) =>
  Object.fromEntries(
    Object.entries(snapshotTree(cacheDir(repo), ["data"], isNotData)).filter(([p]) => !p.endsWith("/")),
  );
const raws = (files: Record<string, string>) => Object.keys(files).filter((p) => p.endsWith("/raw"));

/** What a query answers, in a form two clones can be compared by. */
async function answer(repo: Repo, predicate: string): Promise<unknown[]> {
  const doc = expectExit(await repo.run(["data", "query", predicate, "--json"]), 0).json<QueryDoc>();
  return doc.results
    .map((r) => ({ id: r.id, name: r.name, version: r.version, content: r.content }))
    .sort((a, b) => (`${a.name}/${a.version}` < `${b.name}/${b.version}` ? -1 : 1));
}

describe.each(REMOTE_KINDS)("a lazy clone (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("pulls metadata only, fetches content when read, answers queries as a full clone, and pushes nothing else", async () => {
    const writer = await makeRemoteRepo(server);
    await put(writer.repo, "vpc", "main", '{"x":1,"cidr":"10.0.0.0/16"}');
    await put(writer.repo, "vpc", "main", '{"x":2,"cidr":"10.1.0.0/16"}');
    await put(writer.repo, "vpc", "edge", '{"x":1,"cidr":"10.2.0.0/16"}');
    await put(writer.repo, "vpc", "core", '{"x":3,"cidr":"10.3.0.0/16"}');
    await put(writer.repo, "notes", "readme", "plain words, not JSON");

    const full = cloneRepo(writer.repo);
    expectExit(await full.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(raws(cachedData(full))).toHaveLength(5);

    // The lazy clone: setup on the same bucket with the flag, which lands in .swamp.yaml.
    const lazy = cloneRepo(writer.repo);
    const setupArgs = server.setupArgs(writer.bucket.name, { prefix: writer.prefix });
    const before = await writer.bucket.stamps(`${writer.prefix}/data/`);
    const setup = expectExit(
      await lazy.run([...setupArgs, "--hydration-strategy", "lazy", "--json"]),
      0,
    ).json<SetupDoc>();
    expect(setup).toMatchObject({ errors: [], hydrationStrategy: "lazy" });
    expect(readFileSync(join(lazy.dir, ".swamp.yaml"), "utf8")).toContain("hydrationStrategy: lazy");
    expect(await writer.bucket.stamps(`${writer.prefix}/data/`)).toEqual(before);

    const pulled = cachedData(lazy);
    expect(raws(pulled)).toEqual([]);
    expect(Object.keys(pulled).filter((p) => p.endsWith("/metadata.yaml"))).toHaveLength(5);

    // Content left in the store is not drift.
    expectExit(await lazy.run(["doctor", "--json"]), 0);
    const status = expectExit(await lazy.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
    expect(status.remote?.hydrationStrategy).toBe("lazy");
    expect(expectExit(await lazy.run(["datastore", "status"]), 0).stdout).toContain(
      "(lazy: content fetched when read)",
    );

    // data get fetches the content, and keeps exactly that one in the cache.
    const got = expectExit(await lazy.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ version: 2, content: { x: 2, cidr: "10.1.0.0/16" } });
    const afterGet = cachedData(lazy);
    expect(raws(afterGet)).toEqual([`data/uat/${got.modelId}/main/2/raw`]);
    expect(afterGet[`data/uat/${got.modelId}/main/2/raw`]).toBe(
      cachedData(full)[`data/uat/${got.modelId}/main/2/raw`],
    );

    // A write from the lazy clone: only its new version goes up; nothing else is touched or deleted.
    const stamps = await writer.bucket.stamps(`${writer.prefix}/data/`);
    await put(lazy, "vpc", "added", '{"x":9}');
    const now = await writer.bucket.stamps(`${writer.prefix}/data/`);
    for (const [key, stamp] of Object.entries(stamps)) expect(now[key]).toBe(stamp);
    expect(
      Object.keys(now)
        .filter((key) => !(key in stamps))
        .map((key) => key.slice(key.indexOf("/added/")))
        .sort(),
    ).toEqual(["/added/1/metadata.yaml", "/added/1/raw"]);

    // --hydrate brings every content the bucket holds, byte for byte.
    const hydrated = expectExit(
      await lazy.run(["datastore", "sync", "--pull", "--hydrate", "--json"]),
      0,
    ).json<SyncDoc>();
    expect(hydrated.filesHydrated).toBe(4);
    const inBucket = await bucketData(writer.bucket, writer.prefix);
    const cached = cachedData(lazy);
    for (const rel of raws(inBucket)) expect(cached[rel]).toBe(inBucket[rel] as string);

    // A clone of a repo whose .swamp.yaml says lazy is lazy too; predicates over content it does
    // not hold see the fetched values, as on the full clone.
    const second = cloneRepo(lazy);
    expectExit(await second.run(["datastore", "sync", "--pull", "--json"]), 0);
    expectExit(await full.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(raws(cachedData(second))).toEqual([]);
    for (const predicate of [
      "attributes.x == 1",
      'attributes.cidr.startsWith("10.") && version >= 1',
      'modelName == "notes" && content.contains("plain")',
    ]) {
      const lazyAnswer = await answer(second, predicate);
      expect(lazyAnswer.length).toBeGreaterThan(0);
      expect(lazyAnswer).toEqual(await answer(full, predicate));
    }
    const selected = expectExit(
      await second.run(["data", "query", 'name == "core"', "--select", "attributes.x", "--json"]),
      0,
    ).json<SelectDoc>();
    expect(selected.results).toEqual([3]);

    // The hydrated repo stays lazy: what a later pull brings has no content.
    const later = await put(writer.repo, "vpc", "later", '{"x":1}');
    expectExit(await lazy.run(["datastore", "sync", "--pull", "--json"]), 0);
    const laterDir = join(cacheDir(lazy), "data", "uat", later.modelId, "later", "1");
    expect(existsSync(join(laterDir, "metadata.yaml"))).toBe(true);
    expect(existsSync(join(laterDir, "raw"))).toBe(false);
  });

  test("moving a lazy clone to another bucket brings every content along", async () => {
    const writer = await makeRemoteRepo(server);
    await put(writer.repo, "vpc", "main", '{"x":1}');
    await put(writer.repo, "vpc", "main", '{"x":2}');
    await put(writer.repo, "notes", "readme", "plain words");
    const lazy = cloneRepo(writer.repo);
    const here = server.setupArgs(writer.bucket.name, { prefix: writer.prefix });
    expectExit(await lazy.run([...here, "--hydration-strategy", "lazy", "--json"]), 0);
    expect(raws(cachedData(lazy))).toEqual([]);

    const other = await server.createBucket();
    const there = server.setupArgs(other.name, { prefix: "moved" });
    const moved = expectExit(await lazy.run([...there, "--json"]), 0).json<SetupDoc>();
    expect(moved).toMatchObject({ errors: [], hydrationStrategy: "lazy" });
    const source = await bucketData(writer.bucket, writer.prefix);
    const target = await bucketData(other, "moved");
    expect(raws(source)).toHaveLength(3);
    for (const rel of raws(source)) expect(target[rel]).toBe(source[rel] as string);
  });
});
