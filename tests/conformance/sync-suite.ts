import { describe, expect, test } from "bun:test";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CountingObjectStore } from "../../adapters/store-decorators/counting-object-store.ts";
import { sha256Hex } from "../../adapters/sync/hash-file.ts";
import { startDeadline } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import type { ObjectStore, Precondition, WriteResult } from "../../core/ports/object-store.ts";
import { parseMeta, serializeMeta } from "../../core/sync/sync-index.ts";
import { syncDeadline } from "../../core/tunables.ts";
import { passThrough } from "../support/pass-through-store.ts";
import { swampFailure } from "../support/swamp-failure.ts";
import {
  fingerprint,
  HOSTILE,
  keysOf,
  type Machine,
  META,
  MODEL_1,
  MODEL_2,
  type SyncStoreFixture,
} from "../support/sync-machine.ts";
import { useSyncWorld } from "../support/sync-world.ts";
import { hostileKeyConformance } from "./sync-hostile-suite.ts";
import { lazyConformance } from "./sync-lazy-suite.ts";
import { scopeConformance } from "./sync-scope-suite.ts";
import { shardCollectionConformance } from "./sync-shards-suite.ts";
import { splitConformance } from "./sync-split-suite.ts";
import { versionConformance } from "./sync-versions-suite.ts";

/** A store whose `put` fails on every `every`-th call while `armed`. */
function failingEvery(inner: ObjectStore, every: number): ObjectStore & { armed: boolean } {
  let puts = 0;
  const store = Object.assign(
    passThrough(inner, {
      put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
        if (store.armed && ++puts % every === 0) throw new Error(`injected failure on put ${key}`);
        return inner.put(key, body, when, signal);
      },
    }),
    { armed: true },
  );
  return store;
}

/** A store whose data puts never answer and ignore the signal: only the engine's own race can end them. */
function stalling(inner: ObjectStore, started: () => void): ObjectStore {
  return passThrough(inner, {
    put(): Promise<WriteResult> {
      started();
      return new Promise(() => {});
    },
  });
}

/**
 * Every store the sync engine runs on must pass this: two "machines" (two caches) sharing one
 * store. A new backend adds one line calling it.
 */
export function syncConformance(name: string, makeStore: () => Promise<SyncStoreFixture>): void {
  describe(`Sync conformance: ${name}`, () => {
    const world = useSyncWorld(makeStore, "swamp-sync");
    const machine = (prefix = "", over?: ObjectStore) => world.machine({ prefix, ...(over ? { over } : {}) });
    /**
     * Writes one file in `m`'s cache and puts its engine (with `deadlineMs`) over a store whose
     * puts never answer; `putStarted` resolves once a push's first put started.
     */
    const stallPuts = async (m: Machine, deadlineMs?: number) => {
      await m.write("files/a.txt", "a");
      let started!: () => void;
      const putStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      m.engine = m.engineOver(
        stalling(world.store, () => started()),
        deadlineMs,
      );
      return { putStarted };
    };

    const sample = async (m: Machine) => {
      await m.write(`${MODEL_1}/web/1/raw`, "one");
      await m.write(`${MODEL_1}/web/1/metadata.yaml`, "name: web\nversion: 1\n");
      await m.write(`${MODEL_1}/web/state`, "1");
      await m.write("workflow-runs/wf-1/workflow-run-1.yaml", "status: ok\n");
      await m.write(".catalog-export.json", "[]\n");
      await m.write("files/blob.bin", new Uint8Array([0, 255, 1, 254, 10, 13]));
    };

    test("an object overwritten by a push that never committed is taken from the bucket and re-committed", async () => {
      const a = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      // A writer that lost its lease uploaded a new marker but never committed the index.
      await world.store.put(`${MODEL_1}/web/state`, new TextEncoder().encode("2"));

      const b = await machine();
      const pulled = await b.engine.pullChanged();
      expect(pulled.notices?.join("\n")).toContain("did not match the index");
      expect(await b.read(`${MODEL_1}/web/state`)).toBe("2");
      expect((await b.engine.status()).pendingPaths).toBe(1);

      await b.engine.pushChanged();
      expect((await b.engine.status()).pendingPaths).toBe(0);
      const c = await machine();
      const clean = await c.engine.pullChanged();
      expect(clean.notices ?? []).toEqual([]);
      expect(await c.read(`${MODEL_1}/web/state`)).toBe("2");
      await a.engine.pullChanged();
      expect(await a.read(`${MODEL_1}/web/state`)).toBe("2");
    });

    test("A pushes, B pulls the same bytes; the index is shard-first under the namespace", async () => {
      const a = await machine("team/");
      const b = await machine("team/");
      await sample(a);
      const pushed = await a.engine.pushChanged();
      expect(pushed.uploaded).toBe(6);
      const keys = await keysOf(world.store, "team/");
      expect(keys).toContain(`team/${META}`);
      expect(keys).toContain(`team/${MODEL_1}/web/state`);
      const meta = parseMeta(new TextDecoder().decode((await world.store.get(`team/${META}`))?.body));
      if (typeof meta === "string") throw new Error(meta);
      // One shard per partition (four here), or per bucket of a split one.
      expect(new Set([...meta.partitions.keys()].map((unit) => unit.split("/")[0])).size).toBe(4);
      expect(keys.filter((k) => k.startsWith("team/_index/") && k !== `team/${META}`).sort()).toEqual(
        [...meta.partitions.values()].map((ref) => `team/${ref.key}`).sort(),
      );
      expect(keys.some((k) => k.includes(".swamp-sync"))).toBe(false);

      const pulled = await b.engine.pullChanged();
      expect(pulled.downloaded).toBe(6);
      expect(pulled.rejected).toEqual([]);
      for (const rel of [
        `${MODEL_1}/web/1/raw`,
        `${MODEL_1}/web/state`,
        ".catalog-export.json",
        "files/blob.bin",
      ]) {
        expect(await b.bytes(rel)).toEqual(await a.bytes(rel));
      }
      expect((await b.engine.status()).pendingPaths).toBe(0);
    });

    test("deletions propagate both ways and a full push never resurrects them", async () => {
      const a = await machine();
      const b = await machine();
      await sample(a);
      await a.engine.pushChanged();
      await b.engine.pullChanged();
      await b.remove(`${MODEL_1}/web/1`);
      expect((await b.engine.pushChanged()).deleted).toBe(2);
      expect(await world.store.head(`${MODEL_1}/web/1/raw`)).toBeNull();

      const pulled = await a.engine.pullChanged();
      expect(pulled.deleted).toBe(2);
      expect(pulled.changed).toContain(`${MODEL_1}/web/1/raw`);
      expect(await a.read(`${MODEL_1}/web/1/raw`)).toBeNull();
      a.engine.markDirty(null);
      expect((await a.engine.pushChanged()).uploaded).toBe(0);
      expect(await world.store.head(`${MODEL_1}/web/1/raw`)).toBeNull();
      await b.engine.pullChanged();
      expect(await b.read(`${MODEL_1}/web/1/raw`)).toBeNull();
      expect(await b.read(`${MODEL_1}/web/state`)).toBe("1");
    });

    test("a same-size change (2 → 3) propagates", async () => {
      const a = await machine();
      const b = await machine();
      await a.write(`${MODEL_1}/web/state`, "2");
      await a.engine.pushChanged();
      await b.engine.pullChanged();
      await a.write(`${MODEL_1}/web/state`, "3");
      expect((await a.engine.pushChanged()).uploaded).toBe(1);
      expect((await b.engine.pullChanged()).downloaded).toBe(1);
      expect(await b.read(`${MODEL_1}/web/state`)).toBe("3");
    });

    test("a zero-diff pull makes exactly one request and writes nothing; a clean push makes none", async () => {
      const a = await machine();
      await sample(a);
      await a.engine.pushChanged();
      const b = await machine();
      await b.engine.pullChanged();
      const counting = new CountingObjectStore(world.store);
      b.engine = b.engineOver(counting);
      const before = await fingerprint(b.cache);
      const pulled = await b.engine.pullChanged();
      expect(pulled).toEqual({
        downloaded: 0,
        deleted: 0,
        changed: [],
        rejected: [],
        rebased: [],
        requests: 1,
      });
      expect(counting.total()).toBe(1);
      expect(await fingerprint(b.cache)).toEqual(before);

      counting.reset();
      expect(await b.engine.pushChanged()).toEqual({ uploaded: 0, deleted: 0, rebased: [], requests: 0 });
      expect(counting.total()).toBe(0);
    });

    test("a push after a pull commits on the meta the pull read, without reading it again", async () => {
      const a = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      const metaOps: string[] = [];
      const watching = passThrough(world.store, {
        get: (key, signal) => {
          if (key === META) metaOps.push("get");
          return world.store.get(key, signal);
        },
        put: (key, body, when, signal) => {
          if (key === META) metaOps.push("put");
          return world.store.put(key, body, when, signal);
        },
      });
      a.engine = a.engineOver(watching);
      await a.engine.pullChanged();
      await a.write(`${MODEL_1}/web/state`, "2");
      expect((await a.engine.pushChanged()).uploaded).toBe(1);
      expect(metaOps).toEqual(["get", "put"]);
    });

    test("a commit that landed between the pull and the push is read again and merged, never overwritten", async () => {
      const a = await machine();
      const b = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      await a.engine.pullChanged();
      await b.engine.pullChanged();
      await b.write(`${MODEL_2}/db/state`, "7");
      await b.engine.pushChanged();
      await a.write(`${MODEL_1}/web/state`, "2");
      expect((await a.engine.pushChanged()).uploaded).toBe(1);
      const c = await machine();
      await c.engine.pullChanged();
      expect([await c.read(`${MODEL_1}/web/state`), await c.read(`${MODEL_2}/db/state`)]).toEqual(["2", "7"]);
    });

    test("an index that went back between the pull and the push is never committed over", async () => {
      const a = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      await a.write(`${MODEL_2}/db/state`, "1");
      await a.engine.pushChanged();
      await a.engine.pullChanged();
      const replaced = await world.store.get(META);
      const older = JSON.parse(new TextDecoder().decode(replaced?.body));
      older.commitSeq = 1;
      const body = new TextEncoder().encode(JSON.stringify(older));
      await world.store.put(META, body, { version: replaced?.version ?? "" });
      await a.write(`${MODEL_1}/web/state`, "2");
      expect((await swampFailure(a.engine.pushChanged())).code).toBe("index_regressed");
      expect(JSON.parse(new TextDecoder().decode((await world.store.get(META))?.body)).commitSeq).toBe(1);
    });

    test("concurrent pushes to different partitions both land (the meta commit retries and merges)", async () => {
      const a = await machine();
      const b = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      await b.engine.pullChanged();
      await a.write(`${MODEL_1}/web/state`, "2");
      await b.write(`${MODEL_2}/db/state`, "7");
      let raced = false;
      const pushed = await a.engine.pushChanged({
        beforeCommit: async () => {
          if (raced) return;
          raced = true;
          await b.engine.pushChanged();
        },
      });
      expect(pushed.uploaded).toBe(1);
      await a.engine.pullChanged();
      await b.engine.pullChanged();
      for (const m of [a, b]) {
        expect(await m.read(`${MODEL_1}/web/state`)).toBe("2");
        expect(await m.read(`${MODEL_2}/db/state`)).toBe("7");
      }
      const meta = JSON.parse(new TextDecoder().decode((await world.store.get(META))?.body));
      expect(meta.commitSeq).toBe(3);
    });

    test("a push whose beforeCommit throws commits nothing and leaves the cache dirty", async () => {
      const a = await machine();
      await a.write(`${MODEL_1}/web/state`, "1");
      await a.engine.pushChanged();
      const metaBefore = await world.store.head(META);
      await a.write(`${MODEL_2}/db/state`, "1");
      const lost = new SwampError("lock_lost", "lease taken over");
      const error = await swampFailure(
        a.engine.pushChanged({
          beforeCommit: async () => {
            throw lost;
          },
        }),
      );
      expect(error).toBe(lost);
      expect((await world.store.head(META))?.version).toBe(metaBefore?.version ?? "");
      expect((await a.engine.status()).pendingPaths).toBe(1);
      expect((await a.engine.pushChanged()).uploaded).toBe(1);
      const b = await machine();
      await b.engine.pullChanged();
      expect(await b.read(`${MODEL_2}/db/state`)).toBe("1");
    });

    test("hostile index entries are rejected and nothing is written outside the cache", async () => {
      const good = "files/ok.txt";
      const body = new TextEncoder().encode("ok");
      const entry = { size: 2, sha256: sha256Hex(body), modifiedAt: 0 };
      for (const key of [good, ...HOSTILE]) await world.store.put(key, body).catch(() => null);
      const shard = JSON.stringify({
        version: 1,
        entries: Object.fromEntries([good, ...HOSTILE].map((rel) => [rel, entry])),
      });
      const shardSha = sha256Hex(shard);
      const shardKey = `_index/files.${shardSha.slice(0, 16)}.json`;
      await world.store.put(shardKey, new TextEncoder().encode(shard));
      const partitions = new Map([["files", { key: shardKey, sha256: shardSha, entries: 6 }]]);
      const meta = serializeMeta({ version: 2, commitSeq: 1, partitions, committedAt: "" });
      await world.store.put(META, new TextEncoder().encode(meta));

      const b = await machine();
      const pulled = await b.engine.pullChanged();
      expect(pulled.downloaded).toBe(1);
      expect(pulled.rejected.map((r) => r.key).sort()).toEqual([...HOSTILE].sort());
      expect(await b.read(good)).toBe("ok");
      await expectOnlyInside(b.root, b.cache);
    });

    test("hostile keys found by discovery are rejected and nothing is written outside the cache", async () => {
      const body = new TextEncoder().encode("x");
      await world.store.put("files/ok.txt", body);
      for (const key of HOSTILE) await world.store.put(key, body).catch(() => null);
      const listed = (await keysOf(world.store)).filter((k) => k !== "files/ok.txt");
      expect(listed.length).toBeGreaterThan(0);
      const b = await machine();
      const pulled = await b.engine.pullChanged();
      expect(pulled.downloaded).toBe(1);
      expect(pulled.rejected.map((r) => r.key).sort()).toEqual(listed.sort());
      await expectOnlyInside(b.root, b.cache);
    });

    test("discovery: objects written without an index are pulled, and published by a lease holder", async () => {
      await world.store.put(`${MODEL_1}/web/1/raw`, new TextEncoder().encode("old data"));
      await world.store.put("workflow-runs/wf-9/workflow-run-1.yaml", new TextEncoder().encode("ok\n"));
      await world.store.put(".datastore.lock", new TextEncoder().encode("{}"));
      const reader = await machine();
      expect((await reader.engine.pullChanged()).downloaded).toBe(2);
      expect(await world.store.head(META)).toBeNull();
      expect(await reader.read(".datastore.lock")).toBeNull();

      const holder = await machine();
      const pulled = await holder.engine.pullChanged({ beforeCommit: async () => {} });
      expect(pulled.downloaded).toBe(2);
      expect(await world.store.head(META)).not.toBeNull();
      const third = await machine();
      await third.engine.pullChanged();
      expect(await third.read(`${MODEL_1}/web/1/raw`)).toBe("old data");
    });

    test("a store failing mid-push leaves the cache dirty; a later push completes", async () => {
      const flaky = failingEvery(world.store, 5);
      const a = await machine("", flaky);
      for (let i = 0; i < 12; i++) await a.write(`files/f${i}.txt`, `file ${i}`);
      const error = await swampFailure(a.engine.pushChanged());
      expect(error.code).toBe("sync_failed");
      expect(error.message).toContain("swamp datastore sync --push");
      expect((await a.engine.status()).pendingPaths).toBe(12);
      flaky.armed = false;
      expect((await a.engine.pushChanged()).uploaded).toBeGreaterThan(0);
      expect((await a.engine.status()).pendingPaths).toBe(0);
      const b = await machine();
      expect((await b.engine.pullChanged()).downloaded).toBe(12);
    });

    test("an aborted push rejects at once with a timeout error and stays pending", async () => {
      const a = await machine();
      const { putStarted } = await stallPuts(a);
      const controller = new AbortController();
      const pushing = a.engine.pushChanged({ signal: controller.signal, timeoutMs: 30_000 });
      await putStarted;
      controller.abort(new DOMException("deadline", "TimeoutError"));
      const error = await swampFailure(pushing);
      expect(error.code).toBe("sync_failed");
      expect(error.message).toContain("timed out after 30 s");
      expect(error.message).toContain("swamp datastore sync");
      expect((await a.engine.status()).pendingPaths).toBe(1);
    });

    test("the command's sync deadline ends a stalled push, naming the deadline and what raises it", async () => {
      const a = await machine();
      const { putStarted } = await stallPuts(a);
      const deadline = startDeadline(
        world.clock,
        syncDeadline(undefined, {}, { SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "5000" }),
      );
      const outcome = swampFailure(a.engine.pushChanged({ signal: deadline.signal }));
      await putStarted;
      await world.clock.advance(5_000);
      const error = await outcome;
      expect(error.code).toBe("sync_failed");
      expect(error.message).toContain(
        `Push to ${world.store.description} timed out after 5 s (the sync deadline)`,
      );
      expect(error.message).toContain("raise the sync deadline with SWAMP_DATASTORE_SYNC_TIMEOUT_MS");
      expect((await a.engine.status()).pendingPaths).toBe(1);
    });

    test("the engine's own deadline ends a stalled push", async () => {
      const a = await machine();
      const { putStarted } = await stallPuts(a, 5_000);
      const outcome = swampFailure(a.engine.pushChanged());
      await putStarted;
      await world.clock.advance(5_000);
      expect((await outcome).message).toContain("timed out after 5 s");
    });

    test("a lost or corrupt state takes the slow path: nothing re-sent, nothing lost", async () => {
      const a = await machine();
      await sample(a);
      await a.engine.pushChanged();
      const b = await machine();
      await b.engine.pullChanged();
      await rm(join(b.cache, ".swamp-sync"), { recursive: true });
      expect((await b.engine.pullChanged()).downloaded).toBe(0);
      await writeFile(join(b.cache, ".swamp-sync", "state.json"), "{not json");
      const pushed = await b.engine.pushChanged();
      expect(pushed.uploaded).toBe(0);
      expect(pushed.deleted).toBe(0);
      expect(await b.read(`${MODEL_1}/web/state`)).toBe("1");
    });
  });
  versionConformance(name, makeStore);
  hostileKeyConformance(name, makeStore);
  shardCollectionConformance(name, makeStore);
  splitConformance(name, makeStore);
  scopeConformance(name, makeStore);
  lazyConformance(name, makeStore);
}

/** Every file under `root` lies inside `cache`. */
async function expectOnlyInside(root: string, cache: string): Promise<void> {
  const outside = [...(await fingerprint(root)).keys()]
    .map((rel) => join(root, rel))
    .filter((path) => !path.startsWith(`${cache}/`));
  expect(outside).toEqual([]);
}
