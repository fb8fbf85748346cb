import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { sha256Hex } from "../../../adapters/sync/hash-file.ts";
import { SyncEngine } from "../../../adapters/sync/sync-engine.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { MODEL_1 } from "../../support/sync-machine.ts";

/** The cache as doctor sees it (inspectCache) and the verifying pull that repairs drift. */
describe("SyncEngine: inspecting the cache and the verifying pull", () => {
  let root: string;
  let store: MemoryObjectStore;
  let clock: FakeClock;
  let count = 0;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "swamp-sync-verify-"));
    clock = new FakeClock();
    store = new MemoryObjectStore(clock);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const engine = () => {
    const cache = join(root, `c${++count}`);
    const sync = new SyncEngine({
      store,
      cacheDir: cache,
      remotePrefix: "",
      stateDir: join(cache, ".swamp-sync"),
      clock,
      host: systemHost(),
      concurrency: { pull: 4, push: 4 },
    });
    /** Writes a file; `mark: false` is a change made behind swamp's back (drift). */
    const write = async (rel: string, body: string, mark: boolean) => {
      if (mark) sync.markDirty(rel);
      await mkdir(dirname(join(cache, rel)), { recursive: true });
      await writeFile(join(cache, rel), body);
    };
    const read = (rel: string) => readFile(join(cache, rel), "utf8").catch(() => null);
    return { sync, cache, write, read };
  };

  const V1 = `${MODEL_1}/n/1`;
  const V2 = `${MODEL_1}/n/2`;

  /** A writer's files, pulled by a second clone that then drifts: the clone is returned. */
  async function driftedClone() {
    const a = engine();
    for (const rel of ["files/x", "files/y", "files/d"]) await a.write(rel, "1", true);
    await a.write(`${V1}/raw`, "v1", true);
    await a.write(`${V1}/metadata.yaml`, "name: n\nversion: 1\n", true);
    await a.sync.pushChanged();
    const b = engine();
    await b.sync.pullChanged();
    await b.write("files/x", "drifted", false);
    await rm(join(b.cache, "files/y"));
    await b.write("files/d", "a local change", true);
    await b.write(`${V1}/raw`, "tampered", false);
    await b.write(`${V2}/raw`, "v2", false);
    await b.write(`${V2}/metadata.yaml`, "name: n\nversion: 2\n", false);
    await b.write("files/untracked", "u", false);
    return b;
  }

  test("inspectCache hashes every file beside the record of the last sync, and changes nothing", async () => {
    const fresh = await engine().sync.inspectCache();
    expect(fresh.synced).toBeNull();
    expect(fresh.known.commitSeq).toBe(-1);

    const b = await driftedClone();
    const seen = await b.sync.inspectCache();
    expect(seen.synced?.get("files/x")).toBe(sha256Hex("1"));
    expect(seen.synced?.get("files/y")).toBe(sha256Hex("1"));
    expect(seen.files.get("files/x")).toBe(sha256Hex("drifted"));
    expect(seen.files.has("files/y")).toBe(false);
    expect(seen.files.get(`${V2}/raw`)).toBe(sha256Hex("v2"));
    expect(seen.pending).toEqual({ paths: ["files/d"], bulk: false });
    expect(seen.known).toEqual({ commitSeq: 1, partitions: expect.arrayContaining(["files"]) });
    expect(await b.read("files/x")).toBe("drifted");
  });

  test("an ordinary pull trusts its record and leaves drift; a verifying pull brings back drifted and missing files only", async () => {
    const b = await driftedClone();
    expect((await b.sync.pullChanged()).downloaded).toBe(0);
    expect(await b.read("files/x")).toBe("drifted");

    const pulled = await b.sync.pullChanged({ verify: true });
    expect(pulled.changed).toEqual(["files/x", "files/y"]);
    expect(pulled.rebased).toEqual([]);
    expect({
      drifted: await b.read("files/x"),
      missing: await b.read("files/y"),
      pendingChange: await b.read("files/d"),
      committedVersionFile: await b.read(`${V1}/raw`),
      pendingVersion: await b.read(`${V2}/raw`),
      untracked: await b.read("files/untracked"),
    }).toEqual({
      drifted: "1",
      missing: "1",
      pendingChange: "a local change",
      committedVersionFile: "tampered",
      pendingVersion: "v2",
      untracked: "u",
    });
    // The record now matches what is on disk: the next ordinary pull has nothing to do.
    expect((await b.sync.pullChanged()).downloaded).toBe(0);
  });
});
