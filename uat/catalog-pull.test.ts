import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { type BucketClient, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import type { CatalogPullDoc, QueryDoc, SetupDoc, StatusDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, type Repo } from "./support/swamp.ts";

installCleanup();

const PREFIX = "p";

/** A repo that joins `bucket` as namespace `ns` under `p/`. */
async function joinTeam(server: RemoteServer, bucket: BucketClient, ns: string): Promise<Repo> {
  const repo = await makeRepo(server.env);
  const args = [...server.setupArgs(bucket.name, { prefix: PREFIX }), "--namespace", ns, "--json"];
  expect(expectExit(await repo.run(args), 0).json<SetupDoc>()).toMatchObject({ namespace: ns, errors: [] });
  return repo;
}

async function catalogPull(repo: Repo, namespaces: string): Promise<CatalogPullDoc> {
  const r = await repo.run(["datastore", "catalog", "pull", "--namespaces", namespaces, "--json"]);
  return expectExit(r, 0).json<CatalogPullDoc>();
}

/** `data query <predicate>` as sorted `ns/model/name@version`. */
async function found(repo: Repo, predicate: string): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", predicate, "--json"]), 0).json<QueryDoc>();
  return doc.results.map((r) => `${r.namespace}/${r.modelName}/${r.name}@${r.version}`).sort();
}

/** The catalog export's objects in the bucket for `ns`: its manifest and its parts. */
async function exportKeys(bucket: BucketClient, ns: string): Promise<string[]> {
  return (await bucket.keys(`${PREFIX}/${ns}/.catalog-export`)).sort();
}

describe.each(REMOTE_KINDS)("catalog pull (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("security pulls infra's catalog and finds its records; a record deleted in infra disappears after the next pull", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    await put(infra, "vpc", "main", '{"cidr":"10.1.0.0/16"}');
    await put(infra, "vpc", "edge", '{"cidr":"10.2.0.0/16"}');
    await put(security, "scanner", "findings", '{"open":0}');

    const keys = await exportKeys(bucket, "infra");
    expect(keys).toContain(`${PREFIX}/infra/.catalog-export.json`);
    expect(keys.filter((k) => k.endsWith(".json.gz"))).toHaveLength(1);

    expect(await catalogPull(security, "infra")).toEqual({
      pulled: [{ namespace: "infra", rows: 3 }],
      skipped: [],
      totalRows: 3,
    });
    expect(await found(security, 'ns == "infra" && modelName == "vpc"')).toEqual([
      "infra/vpc/edge@1",
      "infra/vpc/main@2",
    ]);
    expect(await found(security, 'ns == "infra" && version > 0')).toEqual([
      "infra/vpc/edge@1",
      "infra/vpc/main@1",
      "infra/vpc/main@2",
    ]);
    expect(await found(security, 'ns == "security"')).toEqual(["security/scanner/findings@1"]);

    expectExit(await infra.run(["data", "delete", "vpc", "edge", "--yes", "--json"]), 0);
    expect(await found(security, 'ns == "infra"')).toEqual(["infra/vpc/edge@1", "infra/vpc/main@2"]);
    expect((await catalogPull(security, "infra")).totalRows).toBe(2);
    expect(await found(security, 'ns == "infra"')).toEqual(["infra/vpc/main@2"]);

    const status = expectExit(await security.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
    const pulledAt = status.namespaces.find((n) => n.namespace === "infra")?.catalogPulledAt;
    expect(Date.parse(pulledAt ?? "")).toBeGreaterThan(0);
    expect(status.namespaces.find((n) => n.namespace === "security")?.catalogPulledAt).toBeUndefined();
    const text = expectExit(await security.run(["datastore", "status"]), 0).stdout;
    expect(text).toMatch(new RegExp(`infra .* · catalog pulled ${pulledAt}`));
  });

  test("a missing export is skipped; a malformed manifest or part changes nothing; the own namespace is refused", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    const quiet = await joinTeam(server, bucket, "quiet");
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    expect(await catalogPull(security, "infra")).toMatchObject({ totalRows: 1 });
    // Joining published quiet's empty catalog; without it (a repo of an older swamp) there is no export.
    expect(await catalogPull(security, "quiet")).toMatchObject({ pulled: [{ namespace: "quiet", rows: 0 }] });
    for (const key of await exportKeys(bucket, "quiet")) await bucket.delete(key);

    const mixed = await catalogPull(security, "infra,quiet");
    expect(mixed.pulled).toEqual([{ namespace: "infra", rows: 1 }]);
    expect(mixed.skipped.map((s) => s.namespace)).toEqual(["quiet"]);
    expect(mixed.skipped[0]?.reason).toContain("has no catalog export");
    const human = expectExit(
      await security.run(["datastore", "catalog", "pull", "--namespaces", "quiet"]),
      0,
    );
    expect(human.stderr).toContain("Namespace quiet has no catalog export");
    expect(human.stdout).toContain("0 row(s) from 0 namespace(s); skipped quiet");
    expectExit(await quiet.run(["datastore", "status", "--json"]), 0);

    const manifestKey = `${PREFIX}/infra/.catalog-export.json`;
    const manifest = await bucket.get(manifestKey);
    if (!manifest) throw new Error(`${manifestKey} is missing`);
    await bucket.put(manifestKey, "{not json");
    const broken = await catalogPull(security, "infra");
    expect(broken).toMatchObject({ pulled: [], totalRows: 0 });
    expect(broken.skipped[0]?.reason).toContain("cannot be read");
    expect(await found(security, 'ns == "infra"')).toEqual(["infra/vpc/main@1"]);

    await bucket.put(manifestKey, manifest);
    const part = (await exportKeys(bucket, "infra")).find((k) => k.endsWith(".json.gz"));
    if (!part) throw new Error("infra published no part");
    await bucket.put(part, "not gzip");
    expect((await catalogPull(security, "infra")).skipped.map((s) => s.namespace)).toEqual(["infra"]);
    expect(await found(security, 'ns == "infra"')).toEqual(["infra/vpc/main@1"]);

    const own = await security.run(["datastore", "catalog", "pull", "--namespaces", "security", "--json"]);
    expect(expectExit(own, 1).errorJson()).toMatchObject({ code: "validation_failed" });
    expect(own.stderr).toContain("own namespace");
  });

  test("deleting the catalog keeps all own data; foreign rows come back with catalog pull", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    await put(security, "scanner", "findings", '{"open":0}');
    await put(security, "scanner", "findings", '{"open":1}');
    expect((await catalogPull(security, "infra")).totalRows).toBe(1);

    for (const suffix of ["", "-wal", "-shm"])
      rmSync(join(security.dir, ".swamp", "data", `_catalog.db${suffix}`), { force: true });
    expect(await found(security, "version > 0")).toEqual([
      "security/scanner/findings@1",
      "security/scanner/findings@2",
    ]);
    expect((await catalogPull(security, "infra")).totalRows).toBe(1);
    expect(await found(security, "version > 0")).toEqual([
      "infra/vpc/main@1",
      "security/scanner/findings@1",
      "security/scanner/findings@2",
    ]);
  });

  test("--all pulls every other registered namespace", async () => {
    const bucket = await server.createBucket();
    const infra = await joinTeam(server, bucket, "infra");
    const security = await joinTeam(server, bucket, "security");
    await joinTeam(server, bucket, "network");
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}');
    const r = await security.run(["datastore", "catalog", "pull", "--all", "--json"]);
    const doc = expectExit(r, 0).json<CatalogPullDoc>();
    // network joined and wrote nothing: its export is empty.
    expect(doc.pulled).toEqual([
      { namespace: "infra", rows: 1 },
      { namespace: "network", rows: 0 },
    ]);
    expect(doc.skipped).toEqual([]);
  });
});

test("a folder datastore needs no catalog pull and says so", async () => {
  const repo = await makeRepo();
  const r = await repo.run(["datastore", "catalog", "pull", "--namespaces", "infra", "--json"]);
  expect(expectExit(r, 1).errorJson()).toMatchObject({ code: "sync_not_supported" });
  expect(r.stderr).toContain("nothing to pull");
});
