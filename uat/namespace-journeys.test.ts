import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { type BucketClient, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import type { DoctorDoc, NamespaceListDoc, QueryDoc, SetupDoc, StatusDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, type Repo, tempDir } from "./support/swamp.ts";

installCleanup();

const PREFIX = "p";

/** Every version this repo reads, as `model/name@version={JSON content}` (the namespace left out: it changes on purpose). */
async function records(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", "version > 0", "--json"]), 0).json<QueryDoc>();
  const seen = doc.results.map((r) => `${r.modelName}/${r.name}@${r.version}=${JSON.stringify(r.content)}`);
  expect(seen.length).toBeGreaterThan(0);
  return seen.sort();
}

/** The namespaces of every record this repo reads. */
async function namespacesRead(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", "version > 0", "--json"]), 0).json<QueryDoc>();
  return [...new Set(doc.results.map((r) => r.namespace))].sort();
}

/** Bucket keys outside every namespace's prefix (`p/infra/`, `p/security/`). */
async function keysOutsideNamespaces(bucket: BucketClient): Promise<string[]> {
  const keys = await bucket.keys(`${PREFIX}/`);
  expect(keys.length).toBeGreaterThan(0);
  return keys.filter((k) => !k.startsWith(`${PREFIX}/infra/`) && !k.startsWith(`${PREFIX}/security/`));
}

describe.each(REMOTE_KINDS)("namespace journeys (%s)", (kind) => {
  let server: RemoteServer;
  let bucket: BucketClient;
  let security: Repo;
  let infra: Repo;
  let infraRecords: string[];

  beforeAll(async () => {
    server = await startRemote(kind);
    bucket = await server.createBucket();
    security = await makeRepo(server.env);
    const join = [...server.setupArgs(bucket.name, { prefix: PREFIX }), "--namespace", "security", "--json"];
    expectExit(await security.run(join), 0);
    await put(security, "scanner", "findings", '{"open":3}');
  });

  test("a solo repo with data joins the shared bucket: namespace set, migrate, then setup pushes it under its namespace", async () => {
    infra = await makeRepo(server.env);
    await put(infra, "vpc", "main", '{"cidr":"10.0.0.0/16"}', "aws::ec2::vpc");
    await put(infra, "vpc", "main", '{"cidr":"10.1.0.0/16"}', "aws::ec2::vpc");
    await put(infra, "vpc", "peer", '{"peer":true}', "aws::ec2::vpc");
    infraRecords = await records(infra);
    expect(infraRecords).toHaveLength(3);

    expectExit(await infra.run(["datastore", "namespace", "set", "infra", "--json"]), 0);
    expectExit(await infra.run(["datastore", "namespace", "migrate", "--confirm", "--json"]), 0);
    expect(await records(infra)).toEqual(infraRecords);
    // The namespace comes from .swamp.yaml: setup registers it in the bucket and pushes under it.
    const setup = expectExit(
      await infra.run([...server.setupArgs(bucket.name, { prefix: PREFIX }), "--json"]),
      0,
    ).json<SetupDoc>();
    expect(setup).toMatchObject({ namespace: "infra", errors: [] });
    expect(setup.filesPushed).toBeGreaterThan(0);

    expect(await keysOutsideNamespaces(bucket)).toEqual([]);
    expect(await bucket.keys(`${PREFIX}/infra/data/`)).not.toEqual([]);
    expect(await records(infra)).toEqual(infraRecords);
    expect(await namespacesRead(infra)).toEqual(["infra"]);

    // Both teams see both namespaces, each marking its own.
    for (const [repo, own] of [
      [infra, "infra"],
      [security, "security"],
    ] as const) {
      const list = expectExit(
        await repo.run(["datastore", "namespaces", "--json"]),
        0,
      ).json<NamespaceListDoc>();
      expect(list.namespaces.map((n) => [n.namespace, n.state, n.isCurrent, n.repoId])).toEqual([
        ["infra", "registered", own === "infra", infra.repoId],
        ["security", "registered", own === "security", security.repoId],
      ]);
      const status = expectExit(await repo.run(["datastore", "status", "--json"]), 0).json<StatusDoc>();
      expect(status.healthy).toBe(true);
      expect(status.namespaces.map((n) => [n.namespace, n.state, n.isCurrent])).toEqual([
        ["infra", "registered", own === "infra"],
        ["security", "registered", own === "security"],
      ]);
    }
  });

  test("a namespaced repo leaves: unset --migrate --confirm, setup filesystem; its data intact, the other team untouched", async () => {
    const securityBefore = await bucket.stamps(`${PREFIX}/security/`);
    const unset = expectExit(
      await infra.run(["datastore", "namespace", "unset", "--migrate", "--confirm", "--json"]),
      0,
    ).json<{ previousNamespace: string; warnings: { existingNamespaces?: string[] }[] }>();
    expect(unset.previousNamespace).toBe("infra");
    expect(unset.warnings.map((w) => w.existingNamespaces)).toEqual([["security"]]);

    const path = join(tempDir("left"), "datastore");
    const setup = expectExit(
      await infra.run(["datastore", "setup", "filesystem", "--path", path, "--json"]),
      0,
    ).json<SetupDoc>();
    expect(setup.errors).toEqual([]);
    expect(await records(infra)).toEqual(infraRecords);
    expect(await namespacesRead(infra)).toEqual([""]);
    expect(readdirSync(join(path, "data")).length).toBeGreaterThan(0);
    // Leaving pushed nothing to the bucket's root (setup took the solo layout's global lease, a
    // lease object only), and security's objects are as they were.
    expect(await keysOutsideNamespaces(bucket)).toEqual([`${PREFIX}/.datastore.lock`]);
    expect(await bucket.stamps(`${PREFIX}/security/`)).toEqual(securityBefore);
    expect(await records(security)).toEqual(['scanner/findings@1={"open":3}']);
  });

  test("a solo repo already on the shared bucket joins in place: set, migrate --confirm pushes under its namespace; doctor names the root copy", async () => {
    const ops = await makeRepo(server.env);
    const setup = expectExit(
      await ops.run([...server.setupArgs(bucket.name, { prefix: PREFIX }), "--json"]),
      0,
    ).json<SetupDoc>();
    // infra left the bucket, but its data and manifest stay there.
    expect(setup.warnings.map((w) => w.existingNamespaces)).toEqual([["infra", "security"]]);
    await put(ops, "runbook", "deploy", '{"steps":2}');
    const before = await records(ops);
    expect(await bucket.keys(`${PREFIX}/data/`)).not.toEqual([]);

    expectExit(await ops.run(["datastore", "namespace", "set", "ops", "--json"]), 0);
    expectExit(await ops.run(["datastore", "namespace", "migrate", "--confirm", "--json"]), 0);
    expect(await bucket.keys(`${PREFIX}/ops/data/`)).not.toEqual([]);
    expect(await records(ops)).toEqual(before);
    expect(await namespacesRead(ops)).toEqual(["ops"]);

    const doctor = await ops.run(["doctor", "--json"]);
    expect(doctor.code).toBe(1);
    const found = doctor.json<DoctorDoc>().checks.find((c) => c.check === "namespaces")?.findings ?? [];
    expect(found.map((f) => [f.code, f.subject])).toEqual([["bucket_root_data", "bucket data/"]]);
  });
});
