import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import { type RemoteServer, startRemote } from "./support/remote.ts";
import { cacheDir, heldLeases, isNotData, makeRemoteRepo, put } from "./support/remote-repo.ts";
import type { GetDoc, PutDoc, VersionsDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, type Repo } from "./support/swamp.ts";
import { snapshotTree } from "./support/tree.ts";

installCleanup();

const PER_CLONE = 4;
const WRITERS = 2 * PER_CLONE;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Eight writers queue on one model's lease in the bucket; each waits its turn. */
const WRITER_ENV = { SWAMP_LOCK_TIMEOUT_MS: "150000" };
const WRITER_TIMEOUT_MS = 180_000;

/** Each store, and a GCS server whose media reads leave out `Last-Modified` (lease ages then come from the metadata). */
const STORES = [
  { label: "s3", kind: "s3", gcs: {} },
  { label: "gcs", kind: "gcs", gcs: {} },
  { label: "gcs without Last-Modified on media reads", kind: "gcs", gcs: { mediaLastModified: false } },
] as const;

describe.each(STORES)("two clones, 8 writers on one model and name ($label)", ({ kind, gcs }) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind, gcs);
  });
  beforeEach(() => server.reset());

  test("every version 1..8 lands exactly once; both caches and the bucket agree", async () => {
    const origin = await makeRemoteRepo(server);
    // The model exists before the race (models/ is part of the checkout); the name does not.
    const seed = await put(origin.repo, "m", "seed", "0");
    const clones = [cloneRepo(origin.repo), cloneRepo(origin.repo)] as const;

    const writers = clones.flatMap((clone, c) =>
      range(PER_CLONE).map((i) => {
        const value = `clone${c}-writer${i}`;
        const bg = clone.spawn(["data", "put", "m", "n", "--value", value, "--json"], {
          env: WRITER_ENV,
          timeoutMs: WRITER_TIMEOUT_MS,
        });
        return { value, bg };
      }),
    );
    const results = await Promise.all(writers.map(async ({ value, bg }) => ({ value, r: await bg.result })));
    for (const { r } of results) expectExit(r, 0);
    const puts = results.map(({ value, r }) => ({ value, put: r.json<PutDoc>() }));
    expect(puts.map((p) => p.put.version).sort((a, b) => a - b)).toEqual(range(WRITERS));
    expect(new Set(puts.map((p) => p.put.id)).size).toBe(1);
    expect(new Set(puts.map((p) => p.put.modelId))).toEqual(new Set([seed.modelId]));

    // Both clones converge after a pull, and agree with the origin.
    for (const repo of [...clones, origin.repo])
      expectExit(await repo.run(["datastore", "sync", "--pull", "--json"]), 0);
    const trees = [...clones, origin.repo].map((repo) => snapshotTree(cacheDir(repo), ["data"], isNotData));
    expect(trees[1]).toEqual(trees[0] as Record<string, string>);
    expect(trees[2]).toEqual(trees[0] as Record<string, string>);
    for (const repo of clones) await expectVersions(repo, puts);

    // The bucket, read with the vendor's SDK: exactly versions 1..8, each with its writer's bytes.
    const nameDir = `${origin.prefix}/data/uat/${seed.modelId}/n/`;
    const metadataKeys = (await origin.bucket.keys(nameDir)).filter((k) => k.endsWith("/metadata.yaml"));
    const inBucket = new Map<number, string>();
    for (const key of metadataKeys) {
      const meta = parse(text(await origin.bucket.get(key))) as { version: number; name: string };
      expect(meta.name).toBe("n");
      expect(inBucket.has(meta.version)).toBe(false);
      inBucket.set(meta.version, text(await origin.bucket.get(key.replace(/metadata\.yaml$/, "raw"))));
    }
    expect([...inBucket.keys()].sort((a, b) => a - b)).toEqual(range(WRITERS));
    for (const { value, put: p } of puts) expect(inBucket.get(p.version)).toBe(value);

    for (const repo of [...clones, origin.repo]) expect(await heldLeases(repo)).toEqual([]);
  }, 300_000);
});

async function expectVersions(repo: Repo, puts: { value: string; put: PutDoc }[]): Promise<void> {
  const versions = expectExit(
    await repo.run(["data", "versions", "m", "n", "--json"]),
    0,
  ).json<VersionsDoc>();
  expect(versions.versions.map((v) => v.version)).toEqual(range(WRITERS).reverse());
  for (const { value, put: p } of puts) {
    const got = await repo.run(["data", "get", "m", "n", "--version", String(p.version), "--json"]);
    expect(expectExit(got, 0).json<GetDoc>().content).toBe(value);
  }
}

const text = (bytes: Uint8Array | null) => (bytes === null ? "(missing)" : new TextDecoder().decode(bytes));
