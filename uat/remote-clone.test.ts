import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { bucketData, cacheDir, isNotData, makeRemoteRepo, put } from "./support/remote-repo.ts";
import type { GetDoc, ListDoc, PutDoc, QueryDoc, SyncDoc } from "./support/shapes.ts";
import { cloneRepo, describeRun, expectExit, type Repo, tempDir } from "./support/swamp.ts";
import { snapshotTree } from "./support/tree.ts";

installCleanup();

/** Bytes that are not UTF-8, so a text round trip anywhere would show. */
const BINARY = Uint8Array.from({ length: 4096 }, (_, i) => (i * 151 + 7) & 0xff);

describe.each(REMOTE_KINDS)("a clone on another machine (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("reads the writer's data byte for byte; its delete reaches the writer and is never resurrected", async () => {
    const writer = await makeRemoteRepo(server);
    expect(writer.setup).toMatchObject({ type: kind, errors: [], cachePath: cacheDir(writer.repo) });

    const puts: PutDoc[] = [];
    for (const n of [1, 2])
      puts.push(await put(writer.repo, "vpc", "main", JSON.stringify({ cidr: "10.0.0.0/16", n })));
    const keep = await put(writer.repo, "vpc", "keep", '{"stays":true}');
    const blobFile = join(tempDir("blob"), "blob.bin");
    writeFileSync(blobFile, BINARY);
    expectExit(
      await writer.repo.run([
        "data",
        "put",
        "blob",
        "bin",
        "--model-type",
        "uat",
        "--file",
        blobFile,
        "--json",
      ]),
      0,
    );
    const writerData = snapshotTree(cacheDir(writer.repo), ["data"], isNotData);
    expect(Object.keys(writerData).some((p) => p.endsWith("/raw"))).toBe(true);

    // The clone: .swamp.yaml and models/ only, a fresh HOME and cache.
    const clone = cloneRepo(writer.repo);
    const pulled = expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0).json<SyncDoc>();
    expect(pulled.mode).toBe("pull");
    expect(pulled.filesPulled).toBeGreaterThan(0);
    expect(snapshotTree(cacheDir(clone), ["data"], isNotData)).toEqual(writerData);

    const got = expectExit(await clone.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({
      version: 2,
      checksum: puts[1]?.checksum,
      content: { cidr: "10.0.0.0/16", n: 2 },
    });
    const blob = expectExit(await clone.run(["data", "get", "blob", "bin", "--json"]), 0).json<GetDoc>();
    expect(blob.size).toBe(BINARY.byteLength);
    const blobPath = blob.contentPath.startsWith("/") ? blob.contentPath : join(clone.dir, blob.contentPath);
    expect(new Uint8Array(await Bun.file(blobPath).arrayBuffer())).toEqual(BINARY);

    // The clone deletes the record; the bucket loses it at once.
    expectExit(await clone.run(["data", "delete", "vpc", "main", "--yes", "--json"]), 0);
    const mainDir = `data/uat/${keep.modelId}/main/`;
    const mainInBucket = async () =>
      Object.keys(await bucketData(writer.bucket, writer.prefix)).filter((k) => k.startsWith(mainDir));
    expect(await mainInBucket()).toEqual([]);

    // The writer, still holding the record in its cache, pushes before it pulls: its unchanged
    // copy must not undo the clone's delete.
    expectExit(await writer.repo.run(["datastore", "sync", "--push", "--json"]), 0);
    expect(await mainInBucket()).toEqual([]);

    // The writer pulls: gone from get, list and query; the other names stay.
    const writerPull = expectExit(await writer.repo.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(writerPull.json<SyncDoc>().filesDeleted).toBeGreaterThan(0);
    await expectGone(writer.repo);

    // The writer's next push and full sync do not bring it back, in the bucket or anywhere else.
    expectExit(await writer.repo.run(["datastore", "sync", "--push", "--json"]), 0);
    expectExit(await writer.repo.run(["datastore", "sync", "--json"]), 0);
    expect(await mainInBucket()).toEqual([]);
    const keepDir = `data/uat/${keep.modelId}/keep/`;
    expect(
      Object.keys(await bucketData(writer.bucket, writer.prefix)).some((k) => k.startsWith(keepDir)),
    ).toBe(true);
    expect(existsSync(join(cacheDir(writer.repo), mainDir))).toBe(false);
    const third = cloneRepo(writer.repo);
    expectExit(await third.run(["datastore", "sync", "--pull", "--json"]), 0);
    await expectGone(third);
  });
});

/** `vpc/main` is gone from get, list and query, and `vpc/keep` is still there; names every read that disagrees. */
async function expectGone(repo: Repo): Promise<void> {
  const problems: string[] = [];
  const get = await repo.run(["data", "get", "vpc", "main", "--json"]);
  if (get.code === 0) problems.push(`data get vpc main still finds it:\n${describeRun(get)}`);
  const list = expectExit(await repo.run(["data", "list", "vpc", "--json"]), 0).json<ListDoc>();
  const listed = list.groups.flatMap((g) => g.items.map((i) => i.name)).sort();
  if (listed.join() !== "keep")
    problems.push(`data list vpc shows ${JSON.stringify(listed)}, expected ["keep"]`);
  const query = await repo.run(["data", "query", 'modelName == "vpc"', "--json"]);
  const found = expectExit(query, 0)
    .json<QueryDoc>()
    .results.map((r) => r.name)
    .sort();
  if (found.join() !== "keep") problems.push(`data query shows ${JSON.stringify(found)}, expected ["keep"]`);
  if (problems.length > 0)
    throw new Error(`the deleted record is still visible in ${repo.dir}:\n${problems.join("\n")}`);
}
