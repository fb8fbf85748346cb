import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsObjectStore } from "../../../adapters/fs/fs-object-store.ts";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { CountingObjectStore } from "../../../adapters/store-decorators/counting-object-store.ts";
import { PathResolver } from "../../../core/path-resolver.ts";
import { folderEntries } from "../../../core/use-cases/datastore-entries.ts";
import { findMisplaced, findRootData } from "../../../core/use-cases/namespace-survey.ts";
import { FakeClock } from "../../support/fake-clock.ts";

async function storeWith(keys: string[]): Promise<MemoryObjectStore> {
  const store = new MemoryObjectStore(new FakeClock());
  for (const key of keys) await store.put(key, new TextEncoder().encode(key));
  return store;
}

const resolver = (namespace: string, options: { directories?: string[]; exclude?: string[] } = {}) =>
  new PathResolver({ repoDir: "/repo", datastoreBase: "/repo/.swamp", namespace, ...options });

describe("folderEntries", () => {
  test("lists the folders and files directly under a prefix, one listing per entry", async () => {
    const store = await storeWith([
      ".datastore.lock",
      "infra/.namespace.json",
      "infra/data/t/1/n/1/raw",
      "infra/data/t/1/n/2/raw",
      "infra/_index/_meta.json",
      "security/data/t/1/n/1/raw",
    ]);
    const counting = new CountingObjectStore(store);
    expect(await folderEntries(counting, "")).toEqual({
      folders: ["infra", "security"],
      files: [".datastore.lock"],
    });
    // Three entries, then the listing that finds nothing more.
    expect(counting.counts.list).toBe(4);
    expect(await folderEntries(store, "infra/")).toEqual({
      folders: ["_index", "data"],
      files: [".namespace.json"],
    });
    expect(await folderEntries(store, "nothing/")).toEqual({ folders: [], files: [] });
  });
});

describe("findRootData", () => {
  test("counts the files of each datastore subdir at the root of a namespaced datastore", async () => {
    const store = await storeWith([
      "data/t/1/n/1/raw",
      "data/t/1/n/1/metadata.yaml",
      "outputs/o/1.json",
      "infra/data/t/1/n/1/raw",
      "_index/_meta.json",
      ".datastore.lock",
    ]);
    expect(await findRootData(store, resolver("infra"))).toEqual([
      { subdir: "data", files: 2 },
      { subdir: "outputs", files: 1 },
    ]);
    expect(await findRootData(store, resolver("infra"), undefined, 1)).toEqual([
      { subdir: "data", files: 1 },
      { subdir: "outputs", files: 1 },
    ]);
  });

  test("local-tier files beside the datastore (catalog, local subdirs, excluded paths) and temp files are not root data", async () => {
    const store = await storeWith([
      "data/_catalog.db",
      "data/_catalog.db-wal",
      "logs/run.log",
      "secrets/key",
      "outputs/keep/local.json",
      "outputs/.0b7d4a52-0e4b-4b55-9a7e-0d9a3e3f8a11.tmp",
    ]);
    const layout = resolver("infra", { directories: ["data", "outputs"], exclude: ["outputs/keep/**"] });
    expect(await findRootData(store, layout)).toEqual([]);
  });

  test("nothing sync never carries is root data: leases, temps, mutexes, latest markers, unstorable names", async () => {
    const model = "data/aws/ec2/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
    const store = await storeWith([
      `${model}/.lock`,
      `${model}/web/.0a1b2c3d-0e4b-4b55-9a7e-0d9a3e3f8a11.tmp`,
      `${model}/web/latest`,
      "files/x.mutex",
      "outputs/bad\\name.json",
      "infra/data/t/1/n/1/raw",
      ".datastore.lock",
    ]);
    expect(await findRootData(store, resolver("infra"))).toEqual([]);
    await store.put(`${model}/web/1/raw`, new TextEncoder().encode("r"));
    expect(await findRootData(store, resolver("infra"))).toEqual([{ subdir: "data", files: 1 }]);
  });

  test("in a cache folder, a symlink is not followed into other data", async () => {
    const base = await mkdtemp(join(tmpdir(), "swamp-root-data-"));
    try {
      await mkdir(join(base, "infra", "data", "t", "1", "n", "1"), { recursive: true });
      await writeFile(join(base, "infra", "data", "t", "1", "n", "1", "raw"), "r");
      await mkdir(join(base, "logs"), { recursive: true });
      await symlink(join(base, "infra", "data"), join(base, "logs", "link"));
      const store = new FsObjectStore(base, new FakeClock());
      expect(await findRootData(store, resolver("infra"))).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  test("a solo repo has no root data to migrate", async () => {
    const store = await storeWith(["data/t/1/n/1/raw"]);
    expect(await findRootData(store, resolver(""))).toEqual([]);
  });
});

describe("findMisplaced", () => {
  test("finds a namespace nested under another or itself, and solo leases inside a namespace", async () => {
    const store = await storeWith([
      "infra/.namespace.json",
      "infra/data/t/1/n/1/raw",
      "infra/security/data/t/1/n/1/raw",
      "infra/security/data/t/1/n/2/raw",
      "infra/.locks/models/_solo/t/1.lock",
      "security/.namespace.json",
      "security/security/_index/_meta.json",
      "security/unknown-folder/x",
      "data/t/1/n/1/raw",
    ]);
    expect(await findMisplaced(store, "")).toEqual([
      { namespace: "infra", prefix: "infra/security/", owner: "security", objects: 2 },
      { namespace: "infra", prefix: "infra/.locks/models/_solo/", owner: "", objects: 1 },
      { namespace: "security", prefix: "security/security/", owner: "security", objects: 1 },
    ]);
  });

  test("a clean datastore, and the current namespace before its folder exists, have nothing misplaced", async () => {
    const store = await storeWith([
      "infra/.namespace.json",
      "infra/.datastore.lock",
      "infra/.locks/models/t/1.lock",
      "infra/data/t/1/n/1/raw",
      "infra/_index/_meta.json",
      "security/data/t/1/n/1/raw",
    ]);
    expect(await findMisplaced(store, "ops")).toEqual([]);
  });
});
