import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { bucketData, heldLeases, isNotData, makeRemoteRepo, put } from "./support/remote-repo.ts";
import { seedRecords } from "./support/seed.ts";
import type { GetDoc, ListDoc, QueryDoc, QueryRecord } from "./support/shapes.ts";
import { cloneRepo, expectExit, makeRepo, type Repo, tempDir } from "./support/swamp.ts";
import { expectSameFiles, snapshotTree } from "./support/tree.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

/** `datastore namespace migrate|unset --json` (cli/commands/datastore-namespace-migrate.ts). */
interface MigrationDoc {
  namespace: string;
  datastorePath: string;
  reverse: boolean;
  confirm: boolean;
  isExtensionDatastore: boolean;
  totalFiles: number;
  totalBytes: number;
  message?: string;
  directories?: {
    subdir: string;
    source: string;
    destination: string;
    fileCount: number;
    totalBytes: number;
  }[];
  migratedDirectories?: string[];
  filesCopied?: number;
  filesPushed?: number;
  previousNamespace?: string;
}

const NS = "infra";

/** `datastore namespace set <ns>` (registers and switches), or `unset` for undefined; both must succeed. */
async function setNamespace(repo: Repo, namespace: string | undefined): Promise<void> {
  const args = namespace === undefined ? ["unset"] : ["set", namespace];
  expectExit(await repo.run(["datastore", "namespace", ...args, "--json"]), 0);
}

const namespaceOf = (repo: Repo) =>
  (parse(readFileSync(join(repo.dir, ".swamp.yaml"), "utf8")) as { datastore?: { namespace?: string } })
    .datastore?.namespace;

/** A repo on a filesystem datastore at its own folder, with a few records (JSON, text, several versions). */
async function folderRepo(): Promise<{ repo: Repo; store: string }> {
  const repo = await makeRepo();
  const store = join(tempDir("store"), "datastore");
  expectExit(await repo.run(["datastore", "setup", "filesystem", "--path", store, "--json"]), 0);
  await put(repo, "vpc", "main", '{"cidr":"10.0.0.0/16","n":1}', "aws::ec2::vpc");
  await put(repo, "vpc", "main", '{"cidr":"10.0.0.0/16","n":2}', "aws::ec2::vpc");
  await put(repo, "vpc", "peer", '{"peer":true}', "aws::ec2::vpc");
  await put(repo, "note", "plain", "just text, not JSON ✓", "note");
  return { repo, store };
}

/** The data files under `{root}/data` with their SHA-256 (folders, markers and leases left out). */
const dataFiles = (root: string) =>
  Object.fromEntries(
    Object.entries(snapshotTree(root, ["data"], (rel) => isNotData(rel))).filter(
      ([rel]) => !rel.endsWith("/"),
    ),
  );

async function query(repo: Repo, predicate = "true"): Promise<QueryRecord[]> {
  const doc = expectExit(await repo.run(["data", "query", predicate, "--json"]), 0).json<QueryDoc>();
  return [...doc.results].sort((a, b) => `${a.name}/${a.version}`.localeCompare(`${b.name}/${b.version}`));
}

async function migrate(repo: Repo, args: string[], code = 0) {
  return expectExit(await repo.run(["datastore", "namespace", ...args, "--json"]), code);
}

const withoutNamespace = (records: QueryRecord[]) => records.map(({ namespace: _ns, ...rest }) => rest);

describe("filesystem round trip", () => {
  test("solo → namespace (a preview first) → solo: every record readable, stamped, then identical", async () => {
    const { repo, store } = await folderRepo();
    const before = dataFiles(store);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const recordsBefore = await query(repo, "version > 0");
    expect(recordsBefore.length).toBe(4);
    expect(new Set(recordsBefore.map((r) => r.namespace))).toEqual(new Set([""]));
    const getBefore = expectExit(await repo.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();

    await setNamespace(repo, NS);
    const preview = (await migrate(repo, ["migrate"])).json<MigrationDoc>();
    expect(preview).toMatchObject({
      namespace: NS,
      reverse: false,
      confirm: false,
      isExtensionDatastore: false,
    });
    expect(preview.directories?.map((d) => [d.subdir, d.source, d.destination])).toEqual([
      ["data", join(store, "data"), join(store, NS, "data")],
    ]);
    expect(preview.totalFiles).toBeGreaterThanOrEqual(Object.keys(before).length);
    expectSameFiles("the solo layout after the preview", dataFiles(store), before);
    expect(existsSync(join(store, NS, "data"))).toBe(false);

    const moved = (await migrate(repo, ["migrate", "--confirm"])).json<MigrationDoc>();
    expect(moved).toMatchObject({ confirm: true, migratedDirectories: ["data"] });
    expect(dataFiles(store)).toEqual({});
    expectSameFiles("the namespace folder after the move", dataFiles(join(store, NS)), before);

    const got = expectExit(await repo.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toEqual({ ...getBefore, contentPath: getBefore.contentPath.replace(store, join(store, NS)) });
    const list = expectExit(await repo.run(["data", "list", "vpc", "--json"]), 0).json<ListDoc>();
    expect(list.total).toBe(2);
    const stamped = await query(repo, "version > 0");
    expect(stamped.map((r) => r.namespace)).toEqual(recordsBefore.map(() => NS));
    expect(withoutNamespace(stamped)).toEqual(withoutNamespace(recordsBefore));

    const again = (await migrate(repo, ["migrate", "--confirm"])).json<MigrationDoc>();
    expect(again.message).toBe("Nothing to migrate — data is already in the namespace directory.");

    const v3 = await put(repo, "vpc", "main", '{"cidr":"10.0.0.0/16","n":3}', "aws::ec2::vpc");
    expect(v3).toMatchObject({ namespace: NS, version: 3 });
    const v3Dir = join("data", v3.modelType, v3.modelId, "main", "3");
    expect(existsSync(join(store, NS, v3Dir, "raw"))).toBe(true);
    expect(existsSync(join(store, v3Dir))).toBe(false);

    const unsetPreview = (await migrate(repo, ["unset", "--migrate"])).json<MigrationDoc>();
    expect(unsetPreview).toMatchObject({ reverse: true, confirm: false });
    expect(namespaceOf(repo)).toBe(NS);

    const manifest = join(store, NS, ".namespace.json");
    writeFileSync(
      manifest,
      `${JSON.stringify({ namespace: NS, repoId: repo.repoId, registeredAt: new Date().toISOString() })}\n`,
    );
    const unset = (await migrate(repo, ["unset", "--migrate", "--confirm"])).json<MigrationDoc>();
    expect(unset).toMatchObject({ reverse: true, confirm: true, previousNamespace: NS });
    expect(namespaceOf(repo)).toBeUndefined();
    expect(existsSync(manifest)).toBe(false);
    expect(dataFiles(join(store, NS))).toEqual({});
    const back = dataFiles(store);
    for (const [rel, sha] of Object.entries(before)) expect({ rel, sha: back[rel] }).toEqual({ rel, sha });

    const recordsAfter = await query(repo, "version > 0");
    expect(recordsAfter.map((r) => r.namespace)).toEqual(recordsAfter.map(() => ""));
    // v3, written while namespaced, took over `isLatest` from v2; everything else is as it was.
    const latestAside = (records: QueryRecord[]) =>
      records.filter((r) => !(r.name === "main" && r.version === 3)).map(({ isLatest: _l, ...rest }) => rest);
    expect(latestAside(recordsAfter)).toEqual(latestAside(recordsBefore));
    expect(recordsAfter.find((r) => r.name === "main" && r.version === 3)?.isLatest).toBe(true);
    const gotV2 = expectExit(
      await repo.run(["data", "get", "vpc", "main", "--version", "2", "--json"]),
      0,
    ).json<GetDoc>();
    expect(gotV2).toEqual(getBefore);
    expect(await heldLeases(repo)).toEqual([]);
  }, 120_000);

  test("reverse refuses when the solo layout already holds data; nothing moves", async () => {
    const { repo, store } = await folderRepo();
    await setNamespace(repo, NS);
    await migrate(repo, ["migrate", "--yes"]);
    await setNamespace(repo, undefined);
    await put(repo, "solo-model", "fresh", '{"solo":true}');
    await setNamespace(repo, NS);
    const soloBefore = dataFiles(store);
    const namespacedBefore = dataFiles(join(store, NS));

    const refused = await migrate(repo, ["migrate", "--reverse", "--confirm"], 1);
    expect(refused.errorJson().error).toStartWith(
      `Cannot reverse-migrate: "data" already exists at "${join(store, "data")}"`,
    );
    expect(refused.errorJson().error).toContain("Remove or rename it first.");
    expectSameFiles("the solo layout after the refusal", dataFiles(store), soloBefore);
    expectSameFiles("the namespace after the refusal", dataFiles(join(store, NS)), namespacedBefore);
  }, 60_000);

  test("a forward move onto other bytes at the destination is refused, listing them; nothing moves", async () => {
    const { repo, store } = await folderRepo();
    const { modelType, modelId } = await put(repo, "vpc", "main", '{"n":3}', "aws::ec2::vpc");
    const clash = join(store, NS, "data", modelType, modelId, "main", "1", "raw");
    mkdirSync(join(clash, ".."), { recursive: true });
    writeFileSync(clash, "someone else's bytes");
    await setNamespace(repo, NS);
    const before = dataFiles(store);
    const refused = await migrate(repo, ["migrate", "--confirm"], 1);
    expect(refused.errorJson().error).toStartWith(
      "Cannot migrate: 1 file(s) already exist at the destination",
    );
    expect(refused.errorJson().error).toContain(clash);
    expectSameFiles("the solo layout after the refusal", dataFiles(store), before);
  }, 60_000);

  test("without a namespace: migrate and unset say what to run", async () => {
    const { repo } = await folderRepo();
    expect((await migrate(repo, ["migrate"], 1)).errorJson().error).toBe(
      "No namespace is configured. Run 'swamp datastore namespace set <slug>' first.",
    );
    expect((await migrate(repo, ["unset"], 1)).errorJson().error).toBe(
      "No namespace is currently configured. Nothing to unset.",
    );
  }, 60_000);

  test("unset beside other namespaces warns and leaves theirs alone; plain unset keeps the data", async () => {
    const { repo, store } = await folderRepo();
    await setNamespace(repo, NS);
    await migrate(repo, ["migrate", "--yes"]);
    const manifest = `${JSON.stringify({ namespace: "security", repoId: crypto.randomUUID(), registeredAt: new Date().toISOString() })}\n`;
    mkdirSync(join(store, "security"), { recursive: true });
    writeFileSync(join(store, "security", ".namespace.json"), manifest);
    const kept = dataFiles(join(store, NS));

    const unset = (await migrate(repo, ["unset"])).json<{ previousNamespace: string; warnings: unknown[] }>();
    expect(unset).toEqual({
      previousNamespace: NS,
      warnings: [
        {
          message: expect.stringContaining(
            "also holds namespaces (security): this repo now uses the un-namespaced layout beside them",
          ),
          existingNamespaces: ["security"],
        },
      ],
    });
    expect(namespaceOf(repo)).toBeUndefined();
    expectSameFiles("the namespace's data after a plain unset", dataFiles(join(store, NS)), kept);
    expect(readFileSync(join(store, "security", ".namespace.json"), "utf8")).toBe(manifest);
  }, 60_000);
});

describe("a migration killed half-way", () => {
  test("kill -9 during the copy: nothing lost, and running it again completes it", async () => {
    const { repo, store } = await folderRepo();
    await seedRecords(store, 1500);
    const before = dataFiles(store);
    const total = Object.keys(before).length;
    await setNamespace(repo, NS);
    const first = repo.spawn(["datastore", "namespace", "migrate", "--confirm", "--json"], {
      timeoutMs: 120_000,
    });
    // Counted without reading them: the poll must not slow down the command it watches.
    const landed = () =>
      existsSync(join(store, NS, "data"))
        ? readdirSync(join(store, NS, "data"), { recursive: true }).length
        : 0;
    await waitUntil(() => landed() >= total / 4 || first.proc.exitCode !== null, {
      what: `a quarter of ${total} files copied`,
      timeoutMs: 120_000,
      intervalMs: 5,
    });
    first.kill("SIGKILL");
    const killed = await first.result;
    if (first.proc.signalCode !== "SIGKILL")
      throw new Error(
        `migrate ended on its own before it could be killed (exit ${killed.code}):\n${killed.stderr}`,
      );
    expectSameFiles("the solo layout after the kill", dataFiles(store), before);

    const again = (await migrate(repo, ["migrate", "--confirm"])).json<MigrationDoc>();
    expect(again.migratedDirectories).toEqual(["data"]);
    expect(dataFiles(store)).toEqual({});
    expectSameFiles("the namespace after the re-run", dataFiles(join(store, NS)), before);
    const records = await query(repo);
    expect(records.length).toBe(1500 + 3);
    expect(new Set(records.map((r) => r.namespace))).toEqual(new Set([NS]));
    expect(await heldLeases(repo)).toEqual([]);
  }, 300_000);
});

describe.each(REMOTE_KINDS)("on %s", (kind) => {
  let server: RemoteServer;
  beforeAll(async () => {
    server = await startRemote(kind);
  });
  afterAll(() => server.reset());

  test("migrate --confirm pushes the data under {prefix}/{ns}/, a fresh clone with the namespace reads it, and unset --migrate brings it back", async () => {
    const { repo, bucket, prefix } = await makeRemoteRepo(server, { prefix: "p" });
    await put(repo, "vpc", "main", '{"n":1}');
    await put(repo, "vpc", "main", '{"n":2}');
    await put(repo, "note", "plain", "text ✓");
    const root = await bucketData(bucket, prefix);
    expect(Object.keys(root).length).toBeGreaterThan(0);
    const recordsBefore = await query(repo, "version > 0");

    await setNamespace(repo, NS);
    const preview = (await migrate(repo, ["migrate"])).json<MigrationDoc>();
    expect(preview).toMatchObject({ confirm: false, isExtensionDatastore: true });
    expect(await bucket.keys(`${prefix}/${NS}/data/`)).toEqual([]);

    const moved = (await migrate(repo, ["migrate", "--confirm"])).json<MigrationDoc>();
    expect(moved).toMatchObject({ confirm: true, migratedDirectories: ["data"] });
    expect(moved.filesPushed).toBeGreaterThan(0);
    // Read with the vendor's SDK: the data is under the namespace; the old root data is left in place.
    expect(await bucketData(bucket, `${prefix}/${NS}`)).toEqual(root);
    expect(await bucketData(bucket, prefix)).toEqual(root);
    expect(await heldLeases(repo)).toEqual([]);

    const clone = cloneRepo(repo);
    expect(namespaceOf(clone)).toBe(NS);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    const got = expectExit(await clone.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    expect(got).toMatchObject({ version: 2 });
    const records = await query(clone, "version > 0");
    expect(records.map((r) => r.namespace)).toEqual(recordsBefore.map(() => NS));
    expect(withoutNamespace(records)).toEqual(withoutNamespace(recordsBefore));

    const unset = await migrate(repo, ["unset", "--migrate", "--confirm"]);
    expect(unset.json<MigrationDoc>()).toMatchObject({ reverse: true, confirm: true, previousNamespace: NS });
    expect(namespaceOf(repo)).toBeUndefined();
    const unsetText = expectExit(await repo.run(["datastore", "namespace", "unset"]), 1);
    expect(unsetText.stderr).toContain("No namespace is currently configured. Nothing to unset.");
    expectExit(await repo.run(["datastore", "sync", "--push", "--json"]), 0);
    expect(await bucketData(bucket, prefix)).toEqual(root);
    expect(await query(repo, "version > 0")).toEqual(recordsBefore);
  }, 120_000);
});
