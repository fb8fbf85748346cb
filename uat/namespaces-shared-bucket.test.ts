import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { leaseBody, leaseInfo } from "./support/leases.ts";
import { joinNamespace } from "./support/namespace-repos.ts";
import { type BucketClient, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { cacheDir, makeRemoteRepo, put, putArgs } from "./support/remote-repo.ts";
import type { GetDoc, ListDoc, QueryDoc, VersionsDoc } from "./support/shapes.ts";
import { cloneRepo, describeRun, expectExit, type Repo } from "./support/swamp.ts";

installCleanup();

const PREFIX = "p";
/** A lease wait short enough that a command blocked by a held lease gives up within the test. */
const SHORT_WAIT = { SWAMP_LOCK_TIMEOUT_MS: "1500" };

/** A repo that joins `bucket` as namespace `ns` under `p/`. */
const joinTeam = (server: RemoteServer, bucket: BucketClient, ns: string): Promise<Repo> =>
  joinNamespace(server, bucket, ns, PREFIX);

/** `data query` of every version this repo's catalog holds, as `ns/model/name@version={JSON content}`. */
async function everyVersion(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", "version > 0", "--json"]), 0).json<QueryDoc>();
  return doc.results
    .map((r) => `${r.namespace}/${r.modelName}/${r.name}@${r.version}=${JSON.stringify(r.content)}`)
    .sort();
}

/** The versions namespace `ns` wrote (JSON values), as everyVersion reads them. */
function written(ns: string, model: string, puts: { name: string; version: number; value: string }[]) {
  return puts.map((p) => `${ns}/${model}/${p.name}@${p.version}=${p.value}`).sort();
}

/** The top-level folders of a repo's cache. */
function cacheFolders(repo: Repo): string[] {
  const dir = cacheDir(repo);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe.each(REMOTE_KINDS)("two teams, one bucket (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("every key lives under its namespace; infra's pushes leave security's keys alone; an infra clone gets infra's data only", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    const infraPut = await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    const securityPut = await put(security, "scanner", "findings", "none");
    expect([infraPut.namespace, securityPut.namespace]).toEqual(["infra", "security"]);

    const keys = await bucket.keys();
    expect(
      keys.filter((k) => !k.startsWith(`${PREFIX}/infra/`) && !k.startsWith(`${PREFIX}/security/`)),
    ).toEqual([]);
    for (const ns of ["infra", "security"]) {
      expect(keys).toContain(`${PREFIX}/${ns}/_index/_meta.json`);
      expect(keys).toContain(`${PREFIX}/${ns}/.datastore.lock`);
      expect(keys.some((k) => k.startsWith(`${PREFIX}/${ns}/.locks/models/`))).toBe(true);
      expect(keys.some((k) => k.startsWith(`${PREFIX}/${ns}/data/`))).toBe(true);
    }

    const securityBefore = await bucket.stamps(`${PREFIX}/security/`);
    expect(Object.keys(securityBefore).length).toBeGreaterThan(3);
    await put(infra, "vpc", "main", '{"cidr":"10.1.0.0/16"}');
    await put(infra, "vpc", "edge", '{"cidr":"10.2.0.0/16"}');
    expectExit(await infra.run(["data", "delete", "vpc", "edge", "--yes", "--json"]), 0);
    expectExit(await infra.run(["datastore", "sync", "--json"]), 0);
    expect(await bucket.stamps(`${PREFIX}/security/`)).toEqual(securityBefore);

    const clone = cloneRepo(infra);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(cacheFolders(clone)).not.toContain("security");
    expect(cacheFolders(clone)).toContain("infra");
    expect(await everyVersion(clone)).toEqual([
      'infra/vpc/main@1={"cidr":"10.0.0.0/16"}',
      'infra/vpc/main@2={"cidr":"10.1.0.0/16"}',
    ]);
  });

  test("security writes while infra holds its global lease", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    await put(infra, "vpc", "main", "10.0.0.0/16");
    // Another of infra's machines holds infra's global lease (a long migration, say).
    const lockKey = `${PREFIX}/infra/.datastore.lock`;
    const held = leaseBody(leaseInfo({ operation: "datastore namespace migrate" }));
    await bucket.put(lockKey, held);

    // Infra's own writers wait for it (here: give up after a short wait)...
    const blocked = await infra.run(putArgs("vpc", "main", "blocked"), { env: SHORT_WAIT });
    expect(blocked.code).toBe(75);
    expect(blocked.errorJson().code).toBe("lock_timeout");
    // ...while security's writers run with the same short wait, the lease still held.
    for (const n of [1, 2, 3])
      expectExit(await security.run(putArgs("scanner", "findings", `run ${n}`), { env: SHORT_WAIT }), 0);
    const deleteV1 = ["data", "delete", "scanner", "findings", "--version", "1", "--yes"];
    expectExit(await security.run(deleteV1, { env: SHORT_WAIT }), 0);
    // Security's structural commands take security's own global lease, never infra's.
    expectExit(await security.run(["data", "gc", "--yes", "--json"], { env: SHORT_WAIT }), 0);
    expect(new TextDecoder().decode((await bucket.get(lockKey)) ?? new Uint8Array())).toBe(held);
    const versions = expectExit(
      await security.run(["data", "versions", "scanner", "findings", "--json"]),
      0,
    ).json<VersionsDoc>();
    expect(versions.versions.map((v) => v.version)).toEqual([3, 2]);
  });

  test("the kill switch: security wipes its cache, pulls, and reads its data with the same provenance", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    await put(infra, "vpc", "main", "10.0.0.0/16");
    await put(security, "scanner", "findings", "one");
    await put(security, "scanner", "findings", "two");
    await put(security, "scanner", "report", '{"ok":true}');
    const read = async () => ({
      list: expectExit(await security.run(["data", "list", "scanner", "--json"]), 0).json<ListDoc>(),
      findings: expectExit(
        await security.run(["data", "get", "scanner", "findings", "--json"]),
        0,
      ).json<GetDoc>(),
      report: expectExit(
        await security.run(["data", "get", "scanner", "report", "--json"]),
        0,
      ).json<GetDoc>(),
    });
    const before = await read();
    expect(before.list).toMatchObject({ namespace: "security", total: 2 });
    expect(before.findings).toMatchObject({
      version: 2,
      content: "two",
      ownerDefinition: { ownerType: "manual" },
    });

    rmSync(cacheDir(security), { recursive: true, force: true });
    expect(existsSync(cacheDir(security))).toBe(false);
    expectExit(await security.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(await read()).toEqual(before);
    expect(cacheFolders(security)).not.toContain("infra");
  });

  test("two namespaces pushing at the same time: both indexes complete and readable by fresh clones", async () => {
    const bucket = await server.createBucket();
    const teams = {
      infra: await joinTeam(server, bucket, "infra"),
      security: await joinTeam(server, bucket, "security"),
    };
    const writes = async (ns: "infra" | "security") => {
      const done: { name: string; version: number; value: string }[] = [];
      for (const n of [1, 2, 3, 4]) {
        const name = n % 2 === 0 ? "even" : "odd";
        const value = JSON.stringify({ ns, n });
        done.push({ name, version: (await put(teams[ns], "app", name, value)).version, value });
      }
      return done;
    };
    const [infraPuts, securityPuts] = await Promise.all([writes("infra"), writes("security")]);

    for (const [ns, puts] of [
      ["infra", infraPuts],
      ["security", securityPuts],
    ] as const) {
      const clone = cloneRepo(teams[ns]);
      const pulled = await clone.run(["datastore", "sync", "--pull", "--json"]);
      expectExit(pulled, 0);
      expect(await everyVersion(clone), describeRun(pulled)).toEqual(written(ns, "app", puts));
    }
  });

  test("a solo repo on the same bucket under another prefix keeps the un-namespaced layout", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    await put(infra, "vpc", "main", "10.0.0.0/16");
    const solo = await makeRemoteRepo(server, { bucket, prefix: "p2" });
    await put(solo.repo, "vpc", "main", "solo");
    expectExit(await solo.repo.run(["data", "gc", "--yes", "--json"]), 0);

    const keys = await bucket.keys("p2/");
    const layout = ["p2/data/", "p2/_index/", "p2/.datastore.lock", "p2/.locks/models/_solo/"];
    expect(keys.filter((k) => !layout.some((start) => k.startsWith(start)))).toEqual([]);
    for (const start of ["p2/data/", "p2/_index/_meta.json", "p2/.datastore.lock"])
      expect(keys.some((k) => k.startsWith(start))).toBe(true);
    expect((await bucket.keys(`${PREFIX}/`)).every((k) => k.startsWith(`${PREFIX}/infra/`))).toBe(true);
  });

  test("a solo repo on the namespaces' own prefix syncs around them: none of their keys read into its cache, written or deleted", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    const before = await bucket.stamps(`${PREFIX}/infra/`);
    const solo = await makeRemoteRepo(server, { bucket, prefix: PREFIX });
    await put(solo.repo, "vpc", "main", '{"solo":true}');
    expectExit(await solo.repo.run(["data", "delete", "vpc", "main", "--yes", "--json"]), 0);
    await put(solo.repo, "app", "cfg", '{"solo":true}');
    expectExit(await solo.repo.run(["datastore", "sync", "--republish", "--json"]), 0);

    expect(await bucket.stamps(`${PREFIX}/infra/`)).toEqual(before);
    expect(cacheFolders(solo.repo).filter((f) => !f.startsWith("."))).toEqual(["data"]);
    expect(await everyVersion(solo.repo)).toEqual(['/app/cfg@1={"solo":true}']);
    const clone = cloneRepo(solo.repo);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(cacheFolders(clone).filter((f) => !f.startsWith("."))).toEqual(["data"]);
  });

  test("a namespaced push refuses un-migrated root data and uploads nothing; a pull still works", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    await put(infra, "vpc", "main", "10.0.0.0/16");
    // Solo data left at the cache root (the repo was solo on this bucket before).
    const stray = join(cacheDir(infra), "outputs", "report", "out.json");
    mkdirSync(join(stray, ".."), { recursive: true });
    writeFileSync(stray, "{}");
    const before = await bucket.stamps();

    for (const args of [
      ["datastore", "sync"],
      ["datastore", "sync", "--push"],
      putArgs("vpc", "main", "2"),
    ]) {
      const refused = await infra.run([...args.filter((a) => a !== "--json"), "--json"]);
      expect(refused.code, describeRun(refused)).toBe(1);
      expect(refused.errorJson()).toMatchObject({ code: "unmigrated_data" });
      expect(refused.errorJson().error).toBe(
        `Cannot push: un-migrated data found at root level (outputs). Run 'swamp datastore namespace migrate' to preview, then --confirm to move data under the "infra" namespace before pushing.`,
      );
    }
    const log = await infra.run(["datastore", "sync"]);
    expect(log.code).toBe(1);
    expect(log.stderr).toContain("swamp datastore namespace migrate");
    expect(Object.keys(await bucket.stamps()).filter((k) => !k.endsWith(".lock"))).toEqual(
      Object.keys(before).filter((k) => !k.endsWith(".lock")),
    );
    expectExit(await infra.run(["datastore", "sync", "--pull", "--json"]), 0);

    rmSync(join(cacheDir(infra), "outputs"), { recursive: true });
    expectExit(await infra.run(["datastore", "sync", "--json"]), 0);
    expect(
      (await bucket.keys(`${PREFIX}/infra/data/`)).filter((k) => k.endsWith("/metadata.yaml")).length,
    ).toBe(2);
  });

  test("switching namespace on one repo never mixes the two namespaces' data", async () => {
    const bucket = await server.createBucket();
    const repo = await joinTeam(server, bucket, "infra");
    const asSecurity = { env: { SWAMP_NAMESPACE: "security" } };
    await put(repo, "app", "cfg", "infra's");
    const security = expectExit(await repo.run(putArgs("app", "cfg", "security's"), asSecurity), 0);
    expect(security.json<{ namespace: string; version: number }>()).toMatchObject({
      namespace: "security",
      version: 1,
    });
    await put(repo, "app", "other", "infra's other");

    const get = async (name: string, options = {}) =>
      (await repo.run(["data", "get", "app", name, "--json"], options)).json<GetDoc>().content;
    expect([await get("cfg"), await get("cfg", asSecurity)]).toEqual(["infra's", "security's"]);
    const missing = await repo.run(["data", "get", "app", "other", "--json"], asSecurity);
    expect(missing.code).toBe(1);
    expect(missing.errorJson().code).toBe("not_found");
    expect(cacheFolders(repo).filter((f) => !f.startsWith("."))).toEqual(["infra", "security"]);
    const dataKeys = (await bucket.keys()).filter((k) => k.includes("/data/"));
    expect(dataKeys.filter((k) => k.startsWith(`${PREFIX}/infra/data/`)).length).toBe(4);
    expect(dataKeys.filter((k) => k.startsWith(`${PREFIX}/security/data/`)).length).toBe(2);
    expect(dataKeys.length).toBe(6);
  });
});
