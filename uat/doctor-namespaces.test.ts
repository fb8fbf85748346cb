import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { doctor, expectHealthy, findingsOf } from "./support/doctor.ts";
import { REMOTE_KINDS, startRemote } from "./support/remote.ts";
import { cacheDir, put } from "./support/remote-repo.ts";
import { expectExit, makeRepo } from "./support/swamp.ts";

installCleanup();

const MIGRATE = "swamp datastore namespace migrate --confirm";

function plant(path: string, body: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

const manifest = (namespace: string) =>
  JSON.stringify({ namespace, repoId: `repo-of-${namespace}`, registeredAt: "2026-06-03T09:00:00.000Z" });

describe("swamp doctor on a namespaced folder datastore", () => {
  test("reports un-migrated root data and another namespace's objects under its prefix, with the fix", async () => {
    const repo = await makeRepo({ SWAMP_NAMESPACE: "infra" });
    const ds = join(repo.dir, ".swamp");
    await put(repo, "m", "main", "v1");
    plant(join(ds, "security", ".namespace.json"), manifest("security"));
    plant(join(ds, "security", "data", "uat", "s", "main", "1", "raw"), "theirs");
    const clean = await expectHealthy(repo);
    expect(clean.checks.find((c) => c.check === "namespaces")).toEqual({
      check: "namespaces",
      ok: true,
      findings: [],
    });

    plant(join(ds, "data", "uat", "old", "main", "1", "raw"), "solo days");
    plant(join(ds, "data", "uat", "old", "main", "1", "metadata.yaml"), "name: main");
    plant(join(ds, "infra", "security", "data", "uat", "s", "main", "1", "raw"), "theirs, misplaced");
    const { r, doc } = await doctor(repo);
    expectExit(r, 1);
    expect(doc.healthy).toBe(false);
    const found = findingsOf(doc).filter((f) => f.check === "namespaces");
    expect(found.map((f) => [f.code, f.subject, f.problem])).toEqual([
      ["root_data", "datastore data/", true],
      ["namespace_contamination", "infra/security/", true],
    ]);
    expect(found[0]?.message).toContain(`2 file(s) of solo-mode data at the datastore root (${ds}/data/)`);
    expect(found[0]?.fix).toContain(MIGRATE);
    expect(found[1]?.message).toContain('namespace "security" nested under namespace "infra"');
    expect(found[1]?.fix).toContain(`delete ${ds}/infra/security/`);

    const text = await repo.run(["doctor"]);
    expectExit(text, 1);
    expect(text.stdout).toContain(`namespaces: datastore data/: 2 file(s) of solo-mode data`);
    expect(text.stdout).toContain(`Fix: ${MIGRATE}`);
    expect(text.stdout).toContain('namespaces: infra/security/: 1 object(s) of namespace "security"');
  });
});

describe.each(REMOTE_KINDS)("swamp doctor on a namespaced bucket (%s)", (kind) => {
  test("reports root data in the bucket and the cache and another namespace's objects under its prefix; healthy when clean", async () => {
    const server = await startRemote(kind);
    const bucket = await server.createBucket();
    const url = `${kind === "s3" ? "s3" : "gs"}://${bucket.name}/p`;
    const repo = await makeRepo(server.env);
    const setup = [...server.setupArgs(bucket.name, { prefix: "p" }), "--namespace", "infra", "--json"];
    expectExit(await repo.run(setup), 0);
    await put(repo, "m", "main", "v1");
    await bucket.put("p/security/.namespace.json", manifest("security"));
    await bucket.put("p/security/data/uat/s/main/1/raw", "theirs");
    const clean = await expectHealthy(repo);
    expect(clean.checks.find((c) => c.check === "namespaces")).toEqual({
      check: "namespaces",
      ok: true,
      findings: [],
    });

    // Planted with the vendor's SDK and by hand, as a solo clone and a confused tool would have left them.
    await bucket.put("p/data/uat/old/main/1/raw", "solo days");
    await bucket.put("p/infra/security/data/uat/s/main/1/raw", "theirs, misplaced");
    await bucket.put("p/security/infra/_index/_meta.json", "{}");
    plant(join(cacheDir(repo), "outputs", "old.json"), "{}");

    const { r, doc } = await doctor(repo);
    expectExit(r, 1);
    const found = findingsOf(doc).filter((f) => f.check === "namespaces");
    expect(found.map((f) => [f.code, f.subject])).toEqual([
      ["bucket_root_data", "bucket data/"],
      ["root_data", "cache outputs/"],
      ["namespace_contamination", "infra/security/"],
      ["namespace_contamination", "security/infra/"],
    ]);
    const [bucketRoot, cacheRoot, nested] = found;
    expect(bucketRoot?.message).toContain(`${url}/data/`);
    expect(bucketRoot?.fix).toContain(MIGRATE);
    expect(bucketRoot?.fix).toContain(`once no solo clone uses ${url}/data/, delete it`);
    expect(cacheRoot?.message).toContain("a push refuses to run");
    expect(cacheRoot?.fix).toContain(MIGRATE);
    expect(nested?.fix).toContain(`delete ${url}/infra/security/`);
    // Reading is all doctor did: every planted object is still there.
    expect(await bucket.keys("p/infra/security/")).toEqual(["p/infra/security/data/uat/s/main/1/raw"]);
    expect(await bucket.keys("p/data/")).toEqual(["p/data/uat/old/main/1/raw"]);
  });
});
