import { afterEach, beforeEach, describe, expect, spyOn, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { CacheFiles } from "../../../adapters/sync/cache-files.ts";
import { SyncEngine } from "../../../adapters/sync/sync-engine.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { causeChain } from "../../../core/errors.ts";
import { SWEEP_AFTER } from "../../../core/sync/shard-collection.ts";
import { processTempName } from "../../../core/temp-files.ts";
import { entryFor } from "../../support/broken-shard.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";
import { swampFailure } from "../../support/swamp-failure.ts";
import { editShard } from "../../support/sync-machine.ts";

const HOUR = 60 * 60 * 1000;

/** Engine behaviour that does not depend on the store (the store suite is tests/conformance/sync-suite.ts). */
describe("SyncEngine", () => {
  let root: string;
  let clock: FakeClock;
  let store: MemoryObjectStore;
  let count = 0;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "swamp-sync-engine-"));
    clock = new FakeClock();
    store = new MemoryObjectStore(clock);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const engine = (ns = "") => {
    const base = join(root, `c${++count}`);
    const cache = ns ? join(base, ns) : base;
    const sync = new SyncEngine({
      store,
      cacheDir: cache,
      remotePrefix: ns ? `${ns}/` : "",
      stateDir: join(base, ".swamp-sync", ns || "_solo"),
      clock,
      host: systemHost(),
      concurrency: { pull: 4, push: 4 },
    });
    const write = async (rel: string, body: string, mark = true) => {
      if (mark) sync.markDirty(rel);
      await mkdir(dirname(join(cache, rel)), { recursive: true });
      await writeFile(join(cache, rel), body);
    };
    const read = (rel: string) => readFile(join(cache, rel), "utf8").catch(() => null);
    return { sync, cache, write, read };
  };

  test("a dirty local change wins over the remote one, and is pushed next", async () => {
    const a = engine();
    const b = engine();
    await a.write("files/x", "a1");
    await a.sync.pushChanged();
    await b.sync.pullChanged();
    await a.write("files/x", "a2");
    await a.sync.pushChanged();
    await b.write("files/x", "b2");
    const pulled = await b.sync.pullChanged();
    expect(pulled.downloaded).toBe(0);
    expect(await b.read("files/x")).toBe("b2");
    await b.sync.pushChanged();
    await a.sync.pullChanged();
    expect(await a.read("files/x")).toBe("b2");
  });

  test("while a bulk change is pending, pull keeps locally changed files and takes the rest", async () => {
    const a = engine();
    const b = engine();
    await a.write("files/x", "1");
    await a.write("files/y", "1");
    await a.sync.pushChanged();
    await b.sync.pullChanged();
    await a.write("files/x", "2");
    await a.write("files/y", "2");
    await a.sync.pushChanged();
    b.sync.markDirty(null);
    await b.write("files/x", "local", false);
    await b.sync.pullChanged();
    expect(await b.read("files/x")).toBe("local");
    expect(await b.read("files/y")).toBe("2");
  });

  test("a download under a parent symlinked out of the cache is refused, and nothing is written there", async () => {
    const a = engine();
    await a.write("files/sub/x", "payload");
    await a.sync.pushChanged();
    const b = engine();
    const outside = join(root, "outside");
    await mkdir(outside);
    await mkdir(join(b.cache, "files"), { recursive: true });
    await symlink(outside, join(b.cache, "files", "sub"));
    const pulled = await b.sync.pullChanged();
    expect(pulled.rejected).toEqual([
      { key: "files/sub/x", reason: "a parent directory (files/sub) is a symlink leading out of the cache" },
    ]);
    expect(await readFile(join(outside, "x"), "utf8").catch(() => null)).toBeNull();
  });

  test("entries the cache cannot place beside its own files are skipped, and the cache's files stay", async () => {
    const a = engine();
    await a.write("files/c/x", "remote c/x");
    await a.write("files/d", "remote d");
    await a.write("files/f", "remote f");
    await a.write("files/e", "remote e");
    await a.sync.pushChanged();
    const b = engine();
    // Files the engine never heard of (left by a crash or another tool), and a local change.
    await b.write("files/c", "local file c", false);
    await b.write("files/d/y", "local d/y", false);
    await b.write("files/f/z", "local f/z");
    const pulled = await b.sync.pullChanged();
    expect(pulled.rejected.sort((x, y) => (x.key < y.key ? -1 : 1))).toEqual([
      { key: "files/c/x", reason: "a parent (files/c) is a file in the cache, not a folder" },
      {
        key: "files/d",
        reason: "a folder of that name is in the cache, so the file cannot be written there",
      },
      { key: "files/f", reason: 'it is also a folder (holding "files/f/z"), so it cannot be a file' },
    ]);
    const reads = ["files/c", "files/d/y", "files/f/z", "files/e"].map((rel) => b.read(rel));
    expect(await Promise.all(reads)).toEqual(["local file c", "local d/y", "local f/z", "remote e"]);
  });

  test("a path too long for the cache's filesystem is skipped, the rest pulled", async () => {
    const a = engine();
    await a.write("files/ok", "ok");
    await a.sync.pushChanged();
    const deep = `files/${Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(250, "d")).join("/")}`;
    await store.put(deep, new TextEncoder().encode("deep"));
    await editShard(store, "", "files", (entries) => {
      entries[deep] = entryFor("deep");
    });
    const b = engine();
    const pulled = await b.sync.pullChanged();
    expect(pulled.rejected).toEqual([
      { key: deep, reason: "its path is too long for the cache's filesystem (ENAMETOOLONG)" },
    ]);
    expect(await b.read("files/ok")).toBe("ok");
  });

  test("a file the remote replaced by a folder of the same name arrives in one pull", async () => {
    const a = engine();
    await a.write("files/a", "file");
    await a.sync.pushChanged();
    const b = engine();
    await b.sync.pullChanged();
    await rm(join(a.cache, "files/a"));
    a.sync.markDirty("files/a");
    await a.write("files/a/x", "inside");
    await a.sync.pushChanged();
    const pulled = await b.sync.pullChanged();
    expect(pulled.rejected).toEqual([]);
    expect(pulled.changed).toEqual(["files/a", "files/a/x"]);
    expect(await b.read("files/a/x")).toBe("inside");
  });

  test("a file an unfinished pull brought in is reported as changed by the next one", async () => {
    const a = engine();
    await a.write("data/t/m/n/1/raw", "one");
    await a.sync.pushChanged();
    const b = engine();
    // As if a pull had downloaded it and then lost the network before recording anything.
    await b.write("data/t/m/n/1/raw", "one", false);
    const pulled = await b.sync.pullChanged();
    expect(pulled.downloaded).toBe(0);
    expect(pulled.changed).toEqual(["data/t/m/n/1/raw"]);
  });

  test("on a case-insensitive disk, a second spelling of a name is skipped and the cache's own spelling kept", async () => {
    // This disk is case-sensitive: the probe's answer is forced, the rest is the engine's own.
    const probe = spyOn(CacheFiles.prototype, "caseInsensitive").mockResolvedValue(true);
    try {
      const a = engine();
      await a.write("files/Notes", "N");
      await a.sync.pushChanged();
      const b = engine();
      await b.sync.pullChanged();
      await a.write("files/notes", "n");
      await a.write("files/Dir/x", "x");
      await a.write("files/dir/y", "y");
      await a.sync.pushChanged();
      const pulled = await b.sync.pullChanged();
      expect(pulled.rejected.map((r) => [r.key, r.reason])).toEqual([
        [
          "files/dir/y",
          'its folder "files/dir" differs only in case from "files/Dir" (from "files/Dir/x"), and this cache is on a case-insensitive disk',
        ],
        [
          "files/notes",
          'it differs only in case from "files/Notes" (from "files/Notes"), and this cache is on a case-insensitive disk',
        ],
      ]);
      expect([await b.read("files/Notes"), await b.read("files/Dir/x"), await b.read("files/notes")]).toEqual(
        ["N", "x", null],
      );
    } finally {
      probe.mockRestore();
    }
  });

  test("the case probe agrees with the disk the cache is on", async () => {
    const files = new CacheFiles(join(root, "probe"), systemHost(), clock, "solo");
    await mkdir(join(root, "probe"), { recursive: true });
    await writeFile(join(root, "probe", "Mixed"), "");
    expect(await files.caseInsensitive()).toBe(existsSync(join(root, "probe", "mIXED")));
  });

  test("a failed pull says what failed and the command that fixes it; 'when the store is reachable' only for the network", async () => {
    const a = engine();
    await a.write("files/x", "1");
    await a.sync.pushChanged();

    const b = engine();
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const offline = new SyncEngine({
      ...b.sync.config,
      store: passThrough(store, { get: () => Promise.reject(refused) }),
    });
    const network = await swampFailure(offline.pullChanged());
    expect(network.message).toBe(
      "connect ECONNREFUSED 127.0.0.1:9. Once the store is reachable, run the command again (or 'swamp datastore sync --pull').",
    );
    expect(causeChain(network)).toEqual([
      `pull from ${store.description}: the cache was not recorded as synced`,
      "connect ECONNREFUSED 127.0.0.1:9",
    ]);

    await writeFile(join(root, "blocker"), "");
    const blocked = new SyncEngine({ ...b.sync.config, stateDir: join(root, "blocker", "state") });
    const local = await swampFailure(blocked.pullChanged());
    expect(local.message).toMatch(
      /^ENOTDIR: .*blocker.*\. Fix that on .*blocker.* \(disk space, permissions.*'swamp datastore sync --pull'/,
    );
    expect(local.message).not.toContain("reachable");

    const meta = JSON.parse(new TextDecoder().decode((await store.get("_index/_meta.json"))?.body));
    await store.delete(meta.partitions.files.key);
    const damaged = await swampFailure(b.sync.pullChanged());
    expect(damaged.message).toContain("missing from the store");
    expect(damaged.message).toContain("swamp datastore sync --republish");
    expect(damaged.message).not.toContain("reachable");
  });

  test("a push whose base shard another writer collected meanwhile starts over on the new meta", async () => {
    const a = engine();
    const b = engine();
    await b.write("logs/z", "z");
    await b.sync.pushChanged();
    await a.sync.pullChanged();
    // Enough replaced `files` shards that a's next commit sweeps (docs/architecture.md, "Old shards").
    for (let n = 0; n < SWEEP_AFTER; n++) {
      await a.write("files/x", `1.${n}`);
      await a.sync.pushChanged();
    }
    await clock.advance(2 * HOUR);
    // b never read the `files` shard, so its push reads it as its base: a commits first and collects it.
    const meta = JSON.parse(new TextDecoder().decode((await store.get("_index/_meta.json"))?.body));
    const base = meta.partitions.files.key;
    let raced = false;
    const racing = passThrough(store, {
      get: async (key) => {
        if (key === base && !raced) {
          raced = true;
          await a.write("files/x", "2");
          await a.sync.pushChanged();
          expect(await store.head(base)).toBeNull();
        }
        return store.get(key);
      },
    });
    const pushing = new SyncEngine({ ...b.sync.config, store: racing });
    await b.write("files/y", "y");
    await pushing.pushChanged();
    expect(raced).toBe(true);
    const c = engine();
    await c.sync.pullChanged();
    expect([await c.read("files/x"), await c.read("files/y"), await c.read("logs/z")]).toEqual([
      "2",
      "y",
      "z",
    ]);
  });

  test("markDirty: persisted at once, internal paths ignored, paths outside the cache or past 1,000 mean bulk", async () => {
    const a = engine();
    a.sync.markDirty("data/t/m/n");
    a.sync.markDirty("data/t/m/n");
    a.sync.markDirty("_index/_meta.json");
    expect(await a.sync.status()).toEqual({ pendingPaths: 1, pendingBulk: false });
    // A second engine on the same state dir sees it: the set is on disk.
    const again = new SyncEngine({ ...a.sync.config });
    expect((await again.status()).pendingPaths).toBe(1);
    a.sync.markDirty("../elsewhere");
    expect((await again.status()).pendingBulk).toBe(true);

    const b = engine();
    for (let i = 0; i <= 1_000; i++) b.sync.markDirty(`files/f${i}`);
    expect(await new SyncEngine({ ...b.sync.config }).status()).toEqual({
      pendingPaths: 0,
      pendingBulk: true,
    });
  });

  test("namespaced: keys live under {ns}/ and the state dir outside the namespace root is never walked", async () => {
    const a = engine("infra");
    await a.write("files/x", "1");
    await a.sync.pushChanged();
    const keys: string[] = [];
    for await (const info of store.list("")) keys.push(info.key);
    expect(keys.filter((k) => !k.startsWith("infra/_index/"))).toEqual(["infra/files/x"]);
    const status = await a.sync.status();
    expect(status.commitSeq).toBe(1);
    expect(status.lastPushAt).toBe(new Date(clock.now()).toISOString());
  });

  test("temp files and crash leftovers are never uploaded", async () => {
    const a = engine();
    await a.write("data/t/m/n/.0a1b.tmp/raw", "half", false);
    await a.write("files/x.tmp", "half", false);
    await a.write("files/ok", "ok", false);
    a.sync.markDirty(null);
    expect((await a.sync.pushChanged()).uploaded).toBe(1);
  });

  test("stale temps of interrupted commands go from the staging dir, the walked dirs and the state dir, and those of ended processes at once; fresh ones stay", async () => {
    const a = engine();
    const b = engine();
    await a.write("files/x", "1");
    await a.sync.pushChanged();
    const stateDir = a.sync.config.stateDir;
    const temp = async (dir: string, ageMs: number, isDir = false) => {
      const path = join(dir, `.${crypto.randomUUID()}.tmp`);
      await mkdir(dir, { recursive: true });
      if (isDir) await mkdir(path);
      else await writeFile(path, "half");
      const at = (clock.now() - ageMs) / 1000;
      await utimes(path, at, at);
      return path;
    };
    const staging = join(a.cache, ".swamp-sync", "staging");
    const stale = [
      await temp(staging, 2 * HOUR),
      await temp(join(a.cache, "files"), 2 * HOUR),
      await temp(join(a.cache, "data/t/m/n"), 2 * HOUR, true),
      await temp(stateDir, 2 * HOUR),
    ];
    const fresh = [
      await temp(staging, HOUR / 2),
      await temp(join(a.cache, "files"), HOUR / 2),
      await temp(stateDir, HOUR / 2),
    ];
    // Young, but written by a process of this machine that has ended (kill -9 between write and rename).
    const ended = Bun.spawnSync(["true"]).pid;
    const byWriter = async (pid: number, dir = staging) => {
      const path = join(dir, processTempName(pid, crypto.randomUUID()));
      await writeFile(path, "half");
      return path;
    };
    stale.push(await byWriter(ended), await byWriter(ended, join(a.cache, "files")));
    fresh.push(await byWriter(process.ppid), await byWriter(process.ppid, stateDir));
    fresh.push(await byWriter(process.ppid, join(a.cache, "files")));
    const stateTemp = join(stateDir, `state.json.${crypto.randomUUID()}.tmp`);
    await writeFile(stateTemp, "{}");
    await utimes(stateTemp, (clock.now() - 2 * HOUR) / 1000, (clock.now() - 2 * HOUR) / 1000);
    stale.push(stateTemp);

    // A push walks what changed (here everything) and records its index; a pull that downloads stages.
    a.sync = new SyncEngine({ ...a.sync.config });
    a.sync.markDirty(null);
    await a.sync.pushChanged();
    await b.sync.pullChanged();
    await b.write("files/y", "2");
    await b.sync.pushChanged();
    expect((await a.sync.pullChanged()).downloaded).toBe(1);

    expect(stale.filter((path) => existsSync(path))).toEqual([]);
    expect(fresh.filter((path) => !existsSync(path))).toEqual([]);
    expect(await a.read("files/y")).toBe("2");

    // A pull with nothing to download clears the staging and state dirs too: a kill -9 mid-transfer
    // leaves the progress file's temp beside the state.
    const left = [await byWriter(ended), await byWriter(ended, stateDir)];
    await new SyncEngine({ ...a.sync.config }).pullChanged();
    expect(left.filter((path) => existsSync(path))).toEqual([]);
  });
});
