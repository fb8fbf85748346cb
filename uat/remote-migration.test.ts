import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import { type CountingProxy, type SeenRequest, startCountingProxy } from "./support/counting-proxy.ts";
import {
  heldLeaseObjects,
  REMOTE_KINDS,
  type RemoteKind,
  type RemoteServer,
  startRemote,
} from "./support/remote.ts";
import { bucketData, heldLeases, isNotData, put } from "./support/remote-repo.ts";
import { seedRecords } from "./support/seed.ts";
import type { GetDoc, SetupDoc, StatusDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, makeRepo, type Repo, tempDir } from "./support/swamp.ts";
import { expectSameFiles, sha256Hex, snapshotTree } from "./support/tree.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

const PREFIX = "team";
/** 500 seeded records of 3 files each, plus a few real `data put`s. */
const SEEDED_RECORDS = 750;
const SETUP_TIMEOUT_MS = 150_000;
const SPOT_CHECKS = 60;

const servers = {} as Record<RemoteKind, RemoteServer>;
const proxies = {} as Record<RemoteKind, CountingProxy>;

beforeAll(async () => {
  for (const kind of REMOTE_KINDS) {
    servers[kind] = await startRemote(kind);
    const proxy = await startCountingProxy(servers[kind].endpoint);
    afterThisFile(() => proxy.stop());
    proxies[kind] = proxy;
  }
});

describe.each(REMOTE_KINDS)("setup %s of 1,500 files, killed part-way", (kind) => {
  beforeEach(() => servers[kind].reset());

  test("re-running the same command completes it: every file is in the bucket", async () => {
    const server = servers[kind];
    const proxy = proxies[kind];
    const repo = await makeRepo(server.env);
    await put(repo, "vpc", "main", '{"n":1}');
    await put(repo, "vpc", "main", '{"n":2}');
    await seedRecords(join(repo.dir, ".swamp"), SEEDED_RECORDS);
    const before = dataFiles(join(repo.dir, ".swamp"));
    const total = Object.keys(before).length;
    expect(total).toBeGreaterThanOrEqual(1500);

    const bucket = await server.createBucket();
    const args = [...server.setupArgs(bucket.name, { prefix: PREFIX, endpoint: proxy.url }), "--json"];
    proxy.reset();
    const first = repo.spawn(args, { timeoutMs: SETUP_TIMEOUT_MS });
    const uploads = () => proxy.requests().filter(isDataUpload).length;
    await waitUntil(() => uploads() >= total / 3 || first.proc.exitCode !== null, {
      what: `a third of ${total} files uploaded by swamp ${args.join(" ")}`,
      timeoutMs: SETUP_TIMEOUT_MS,
      intervalMs: 5,
    });
    first.kill("SIGKILL");
    const killed = await first.result;
    if (first.proc.signalCode !== "SIGKILL")
      throw new Error(
        `setup ended on its own before it could be killed (exit ${killed.code}):\n${killed.stderr}`,
      );

    const landed = (await bucket.keys(`${PREFIX}/data/`)).length;
    expect(landed).toBeGreaterThan(0);
    expect(landed).toBeLessThan(total);

    const again = expectExit(await repo.run(args, { timeoutMs: SETUP_TIMEOUT_MS }), 0).json<SetupDoc>();
    expect(again).toMatchObject({ type: kind, errors: [] });

    const keys = (await bucket.keys(`${PREFIX}/data/`)).filter((k) => !k.endsWith(".lock"));
    const listed = Object.fromEntries(keys.map((k) => [k.slice(PREFIX.length + 1), "listed"]));
    const expectedKeys = Object.fromEntries(Object.keys(before).map((rel) => [rel, "listed"]));
    expectSameFiles(`the bucket after re-running setup ${kind}`, listed, expectedKeys);
    for (const rel of spread(Object.keys(before), SPOT_CHECKS)) {
      const body = await bucket.get(`${PREFIX}/${rel}`);
      expect({ rel, sha256: body === null ? "missing" : sha256Hex(body) }).toEqual({
        rel,
        sha256: before[rel] as string,
      });
    }

    const status = expectExit(await repo.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
    expect(status.remote).toMatchObject({ bucket: bucket.name, pendingPaths: 0, pendingBulk: false });
    expect(await heldLeases(repo)).toEqual([]);
    expect(await heldLeaseObjects(bucket, PREFIX)).toEqual([]);
    const got = expectExit(await repo.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ version: 2, content: { n: 2 } });
  }, 300_000);
});

describe("migration round trip", () => {
  beforeEach(async () => {
    for (const kind of REMOTE_KINDS) await servers[kind].reset();
  });

  test("filesystem → S3 → GCS → filesystem keeps every record byte for byte", async () => {
    const { s3, gcs } = servers;
    const repo = await makeRepo({ ...s3.env, ...gcs.env });
    for (const n of [1, 2, 3]) await put(repo, "vpc", "main", JSON.stringify({ cidr: "10.0.0.0/16", n }));
    await put(repo, "note", "plain", "just text, not JSON ✓");
    const binary = join(tempDir("bin"), "blob.bin");
    writeFileSync(
      binary,
      Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff),
    );
    expectExit(await repo.run(["data", "put", "blob", "bin", "--model-type", "uat", "--file", binary]), 0);
    await seedRecords(join(repo.dir, ".swamp"), 100, "trip");
    const before = dataFiles(join(repo.dir, ".swamp"));

    // Filesystem → S3.
    const s3Bucket = await s3.createBucket();
    await setup(repo, s3.setupArgs(s3Bucket.name, { prefix: PREFIX }));
    expectSameFiles("the S3 bucket after setup s3", await bucketData(s3Bucket, PREFIX), before);

    // S3 → GCS, on a machine that only ever saw the S3 bucket.
    const viaS3 = cloneRepo(repo);
    expectExit(await viaS3.run(["datastore", "sync", "--pull", "--json"]), 0);
    const gcsBucket = await gcs.createBucket();
    await setup(viaS3, gcs.setupArgs(gcsBucket.name, { prefix: PREFIX }));
    expectSameFiles("the GCS bucket after setup gcs", await bucketData(gcsBucket, PREFIX), before);

    // GCS → filesystem, on a machine that only ever saw the GCS bucket.
    const viaGcs = cloneRepo(viaS3);
    expectExit(await viaGcs.run(["datastore", "sync", "--pull", "--json"]), 0);
    const back = tempDir("back");
    await setup(viaGcs, ["datastore", "setup", "filesystem", "--path", back]);
    expectSameFiles("the folder after setup filesystem", dataFiles(back), before);

    const got = expectExit(await viaGcs.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ version: 3, content: { cidr: "10.0.0.0/16", n: 3 } });
  }, 300_000);
});

async function setup(repo: Repo, args: string[]): Promise<SetupDoc> {
  const doc = expectExit(
    await repo.run([...args, "--json"], { timeoutMs: SETUP_TIMEOUT_MS }),
    0,
  ).json<SetupDoc>();
  expect(doc.errors).toEqual([]);
  return doc;
}

/** Every data file (raw, metadata.yaml, latest) under `{base}/data`, path → SHA-256, sorted. */
function dataFiles(base: string): Record<string, string> {
  const tree = snapshotTree(base, ["data"], isNotData);
  return Object.fromEntries(Object.entries(tree).filter(([rel]) => !rel.endsWith("/")));
}

/** A PUT (S3) or upload POST (GCS) of a data object: the object name is in the path or the query. */
function isDataUpload(request: SeenRequest): boolean {
  if (request.method !== "PUT" && request.method !== "POST") return false;
  try {
    return decodeURIComponent(request.path).includes(`${PREFIX}/data/`);
  } catch {
    return false;
  }
}

/** `count` items spread evenly over `items`. */
function spread<T>(items: T[], count: number): T[] {
  const step = Math.max(1, Math.floor(items.length / count));
  return items.filter((_, i) => i % step === 0);
}
