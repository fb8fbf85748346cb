import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStalledTcpServer } from "../tests/support/stalled-tcp-server.ts";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import {
  ageTwoHours,
  catalogRows,
  doctor,
  editCatalog,
  expectFound,
  expectHealthy,
  expectRepaired,
  findingsOf,
  NO_GRACE,
} from "./support/doctor.ts";
import { leaseBody, leaseInfo, writeLease } from "./support/leases.ts";
import { putWithFailingPush } from "./support/pending-put.ts";
import { useProxiedServer } from "./support/proxied-server.ts";
import { type BucketClient, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { cacheDir, cloneVia, makeRemoteRepo, put, type RemoteRepo } from "./support/remote-repo.ts";
import { describeRun, expectExit, makeRepo, type Repo } from "./support/swamp.ts";
import { sha256Hex, snapshotTree } from "./support/tree.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

const TYPE = "uat";

/** Every object in the bucket (leases included) → SHA-256: what a preview must leave alone. */
async function bucketState(bucket: BucketClient): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  for (const key of await bucket.keys()) {
    const body = await bucket.get(key);
    if (body !== null) state[key] = sha256Hex(body);
  }
  return state;
}

/** The bucket, the cache and the catalog: everything doctor could change. */
function remoteState(remote: RemoteRepo) {
  return async () => ({
    bucket: await bucketState(remote.bucket),
    cache: snapshotTree(cacheDir(remote.repo), ["."]),
    catalog: catalogRows(remote.repo),
  });
}

describe.each(REMOTE_KINDS)("swamp doctor on a bucket (%s)", (kind) => {
  let server: RemoteServer;
  let remote: RemoteRepo;
  let modelId: string;
  /** Where the model's data lives below the swamp prefix. */
  let model: string;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(async () => {
    await server.reset();
    remote = await makeRemoteRepo(server);
    modelId = (await put(remote.repo, "m", "main", "v1", TYPE)).modelId;
    await put(remote.repo, "m", "main", "v2", TYPE);
    model = `data/${TYPE}/${modelId}`;
  });
  const key = (rel: string) => `${remote.prefix}/${rel}`;

  test("healthy: exactly one line and exit 0; JSON healthy with every check ok; a live lease is only a note", async () => {
    const text = await remote.repo.run(["doctor"]);
    expectExit(text, 0);
    expect(text.stdout.trimEnd().split("\n")).toEqual([
      `Datastore healthy: leases, index, cache, namespaces and catalog agree (${kind === "s3" ? "s3" : "gs"}://${remote.bucket.name}/${remote.prefix} (endpoint ${server.endpoint}))`,
    ]);
    const { r, doc } = await doctor(remote.repo, ["datastore"]);
    expectExit(r, 0);
    expect(doc.checks.map((c) => [c.check, c.ok])).toEqual([
      ["leases", true],
      ["index", true],
      ["cache", true],
      ["namespaces", true],
      ["catalog", true],
    ]);
    expect(doc.repairs).toEqual([]);

    await remote.bucket.put(key(".datastore.lock"), leaseBody(leaseInfo({ operation: "data gc" })));
    const busy = await remote.repo.run(["doctor"]);
    expectExit(busy, 0);
    expect(busy.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(busy.stderr).toContain("Note: leases: .datastore.lock: the global lease is held by bob@ci-7");
    const held = findingsOf((await doctor(remote.repo)).doc).find((f) => f.code === "lease_held");
    expect(held).toMatchObject({ problem: false, subject: ".datastore.lock" });
  });

  test("a stale lease left by a dead pid on another host: found, previewed, freed", async () => {
    const lease = key(`.locks/models/_solo/${TYPE}/${modelId}.lock`);
    // A 1 ms ttl: stale as soon as the store's clock moves on (it counts whole seconds).
    await remote.bucket.put(lease, leaseBody(leaseInfo({ hostname: "gone-host", pid: 999_999, ttlMs: 1 })));
    await waitUntil(
      async () => findingsOf((await doctor(remote.repo)).doc).some((f) => f.code === "lease_stale"),
      {
        what: "doctor to judge the lease stale on the store's clock",
      },
    );
    const [found] = await expectFound(remote.repo, "lease_stale");
    expect(found?.fix).toBe(`swamp datastore lock release --force --model ${TYPE}/${modelId}`);
    await expectRepaired(remote.repo, "lease_stale", remoteState(remote));
    expect(new TextDecoder().decode((await remote.bucket.get(lease)) ?? new Uint8Array())).toContain(
      '"free": true',
    );
  });

  test("a corrupt lock object: found, previewed, freed", async () => {
    await remote.bucket.put(key(".datastore.lock"), "{ not json");
    await expectRepaired(remote.repo, "lease_corrupt", remoteState(remote));
  });

  test("an orphan object, an old latest marker and an unreferenced shard: notes while young, deleted once past the grace period", async () => {
    // Keys below the swamp prefix, as doctor names them (its store is rooted there).
    const strays = [
      `${model}/ghost/1/raw`,
      `${model}/main/latest`,
      `_index/data--${TYPE}--${modelId}.0123456789abcdef.json`,
    ] as const;
    for (const stray of strays) await remote.bucket.put(key(stray), "{}");

    const young = await expectHealthy(remote.repo);
    expect(findingsOf(young).find((f) => f.code === "unindexed_recent")?.problem).toBe(false);
    const orphans = await expectFound(remote.repo, "object_orphan", NO_GRACE);
    expect(orphans.map((f) => f.subject)).toEqual(strays.slice(0, 2));
    const shards = await expectFound(remote.repo, "index_shard_unreferenced", NO_GRACE);
    expect(shards.map((f) => f.subject)).toContain(strays[2]);

    await expectRepaired(remote.repo, "object_orphan", remoteState(remote), NO_GRACE);
    const left = await remote.bucket.keys();
    expect(strays.filter((stray) => left.includes(key(stray)))).toEqual([]);
    expect(left).toContain(key(`${model}/main/2/raw`));
  });

  test("an object the index names that the store lost: doctor names --republish; a republish from this clone restores it", async () => {
    const lost = `${model}/main/1/raw`;
    await remote.bucket.delete(key(lost));
    const [found] = await expectFound(remote.repo, "object_missing");
    expect(found).toMatchObject({ subject: lost, fix: "swamp datastore sync --republish" });
    expect(found?.message).toContain("this clone's cache holds it");

    const applied = await doctor(remote.repo, ["--repair", "-y"]);
    expectExit(applied.r, 1);
    expect(applied.doc.repairs).toEqual([]);
    expectExit(await remote.repo.run(["datastore", "sync", "--republish", "--json"]), 0);
    await expectHealthy(remote.repo);
    expect(new TextDecoder().decode((await remote.bucket.get(key(lost))) ?? new Uint8Array())).toBe("v1");
  });

  test("a cache file changed behind swamp's back and one deleted: pulled again from the store", async () => {
    const cache = cacheDir(remote.repo);
    // Non-version files reach the index as a migration or a republish brings them.
    mkdirSync(join(cache, "outputs"), { recursive: true });
    writeFileSync(join(cache, "outputs", "run-1.log"), "run one\n");
    writeFileSync(join(cache, "outputs", "run-2.log"), "run two\n");
    expectExit(await remote.repo.run(["datastore", "sync", "--republish", "--json"]), 0);
    await expectHealthy(remote.repo);

    writeFileSync(join(cache, "outputs", "run-1.log"), "edited by hand\n");
    rmSync(join(cache, "outputs", "run-2.log"));
    const [drift] = await expectFound(remote.repo, "cache_drift");
    expect(drift?.subject).toBe("outputs/run-1.log");
    expect((await expectFound(remote.repo, "cache_missing")).map((f) => f.subject)).toEqual([
      "outputs/run-2.log",
    ]);

    await expectRepaired(remote.repo, "cache_drift", remoteState(remote));
    expect(readFileSync(join(cache, "outputs", "run-1.log"), "utf8")).toBe("run one\n");
    expect(readFileSync(join(cache, "outputs", "run-2.log"), "utf8")).toBe("run two\n");
  });

  test("a temp dir left in the cache by a write that never finished: deleted once past the grace period", async () => {
    const leftover = join(cacheDir(remote.repo), model, "main", ".0a1b2c3d.tmp");
    mkdirSync(leftover);
    writeFileSync(join(leftover, "raw"), "half a version");
    ageTwoHours(leftover);
    const [found] = await expectFound(remote.repo, "leftover_temp");
    expect(found?.subject).toBe(leftover);
    await expectRepaired(remote.repo, "leftover_temp", remoteState(remote));
    expect(existsSync(leftover)).toBe(false);
  });

  test("catalog rows removed and added by hand: found, and the catalog rebuilt", async () => {
    await expectHealthy(remote.repo);
    const rows = catalogRows(remote.repo);
    editCatalog(remote.repo, [
      "DELETE FROM catalog WHERE version = 1",
      `INSERT INTO catalog (namespace, type_normalized, model_id, data_name, id, version, is_latest, model_name, created_at) VALUES ('', '${TYPE}', '${modelId}', 'ghost', 'x', 1, 1, 'm', '2026-01-01T00:00:00Z')`,
    ]);
    await expectFound(remote.repo, "catalog_row_missing");
    await expectFound(remote.repo, "catalog_row_extra");
    await expectRepaired(remote.repo, "catalog_row_missing", remoteState(remote));
    expect(catalogRows(remote.repo)).toEqual(rows);
  });
});

describe.each(REMOTE_KINDS)("swamp doctor and pending work (%s)", (kind) => {
  const env = useProxiedServer(kind);

  test("a version whose push failed is information naming the push, not a problem", async () => {
    const a = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    await put(a.repo, "m", "main", "v1", TYPE);
    await putWithFailingPush(env.proxy, a.repo, "m", "main", "v2");
    const doc = await expectHealthy(a.repo);
    const notes = findingsOf(doc).filter((f) => f.check === "cache");
    expect(notes.map((f) => [f.code, f.problem, f.fix])).toEqual([
      ["cache_pending", false, "swamp datastore sync --push"],
      ["cache_pending_versions", false, "swamp datastore sync --push"],
    ]);
    const text = await a.repo.run(["doctor"]);
    expectExit(text, 0);
    expect(text.stderr).toContain("(swamp datastore sync --push)");

    expectExit(await a.repo.run(["datastore", "sync", "--push", "--json"]), 0);
    expect(findingsOf(await expectHealthy(a.repo)).filter((f) => f.check === "cache")).toEqual([]);
  });

  test("a store that never answers: every check that needs it fails at the --timeout deadline, naming a longer one", async () => {
    const a = await makeRemoteRepo(env.server);
    const stalled = await startStalledTcpServer("stall");
    afterThisFile(() => stalled.stop());
    const offline = cloneVia(a.repo, stalled.url);
    // The deadline ends the checks; a request abandoned then still holds the process until its
    // own timeout (a GCS listing cannot be aborted), so that is kept short here.
    const r = await offline.run(["doctor", "--timeout", "2", "--json"], {
      env: { SWAMP_S3_REQUEST_TIMEOUT_MS: "3000", SWAMP_GCS_REQUEST_TIMEOUT_MS: "3000" },
      timeoutMs: 45_000,
    });
    expectExit(r, 1);
    const failed = findingsOf(r.json()).filter((f) => f.code === "check_failed");
    expect(failed.map((f) => f.subject).sort()).toEqual(["index", "leases", "namespaces"]);
    for (const f of failed) {
      expect(f.message).toContain("did not finish within 2 s");
      expect(f.fix).toBe("swamp doctor --timeout 8");
    }
  });
});

describe("swamp doctor on a filesystem datastore", () => {
  let repo: Repo;
  let modelId: string;
  const ds = () => join(repo.dir, ".swamp");
  /** The datastore's files (the catalog's own files aside) and the catalog's rows. */
  const fsState = () => ({
    files: snapshotTree(ds(), ["."], (rel) => rel.includes("_catalog.db")),
    catalog: catalogRows(repo),
  });

  beforeEach(async () => {
    repo = await makeRepo();
    modelId = (await put(repo, "m", "main", "v1", TYPE)).modelId;
    await put(repo, "m", "main", "v2", TYPE);
  });

  test("healthy: exactly one line naming its checks, exit 0", async () => {
    const r = await repo.run(["doctor"]);
    expectExit(r, 0);
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      `Datastore healthy: leases, leftovers, namespaces and catalog agree (filesystem ${ds()})`,
    ]);
    const doc = await expectHealthy(repo);
    expect(doc.checks.map((c) => c.check)).toEqual(["leases", "leftovers", "namespaces", "catalog"]);
  });

  test("a stale lease of another host and a corrupt global lease: found, previewed, freed", async () => {
    const lease = join(ds(), ".locks", "models", "_solo", TYPE, `${modelId}.lock`);
    mkdirSync(join(lease, ".."), { recursive: true });
    writeLease(lease, { hostname: "gone-host", pid: 999_999 });
    // The filesystem store's clock for an object is its mtime: two hours without renewal.
    ageTwoHours(lease);
    await expectRepaired(repo, "lease_stale", fsState);

    writeFileSync(join(ds(), ".datastore.lock"), "\u0000garbage");
    await expectRepaired(repo, "lease_corrupt", fsState);
  });

  test("a lease with an absurd ttl is a corrupt lock object: found and freed", async () => {
    writeLease(join(ds(), ".datastore.lock"), { ttlMs: 48 * 3600 * 1000 });
    await expectRepaired(repo, "lease_corrupt", fsState);
  });

  test("a temp dir of a write that never finished, and catalog rows edited by hand: repaired", async () => {
    const leftover = join(ds(), "data", TYPE, modelId, "main", ".dead.tmp");
    mkdirSync(leftover);
    writeFileSync(join(leftover, "raw"), "half");
    ageTwoHours(leftover);
    await expectRepaired(repo, "leftover_temp", fsState);

    const rows = catalogRows(repo);
    editCatalog(repo, ["UPDATE catalog SET is_latest = 1 - is_latest"]);
    await expectRepaired(repo, "catalog_latest_wrong", fsState);
    expect(catalogRows(repo)).toEqual(rows);
  });

  test("-y without --repair is a usage error that changes nothing", async () => {
    const r = await repo.run(["doctor", "-y"]);
    expectExit(r, 2);
    expect(r.stderr).toContain("swamp doctor --repair -y");
    if (r.stdout !== "") throw new Error(`expected nothing on stdout.\n${describeRun(r)}`);
  });
});
