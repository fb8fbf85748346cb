import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { surveyBucket } from "../../../adapters/sync/bucket-survey.ts";
import { SyncEngine } from "../../../adapters/sync/sync-engine.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { ObjectInfo, ObjectStore } from "../../../core/ports/object-store.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { passThrough } from "../../support/pass-through-store.ts";
import { keysOf, META } from "../../support/sync-machine.ts";

describe("surveyBucket", () => {
  let root: string;
  let clock: FakeClock;
  let store: MemoryObjectStore;
  const never = new AbortController().signal;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "swamp-survey-"));
    clock = new FakeClock();
    store = new MemoryObjectStore(clock);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Pushes `files/x` under `prefix` through a real engine: a meta, a shard and the object. */
  async function pushed(prefix = ""): Promise<void> {
    const cache = join(root, "cache");
    const engine = new SyncEngine({
      store,
      cacheDir: cache,
      remotePrefix: prefix,
      stateDir: join(root, "state"),
      clock,
      host: systemHost(),
      concurrency: { pull: 2, push: 2 },
    });
    engine.markDirty("files/x");
    await mkdir(dirname(join(cache, "files/x")), { recursive: true });
    await writeFile(join(cache, "files/x"), "x");
    await engine.pushChanged();
  }

  test("the meta, every shard it names and one listing of the namespace, keys below the prefix", async () => {
    await pushed("infra/");
    await store.put("elsewhere/files/y", new TextEncoder().encode("y"));
    const survey = await surveyBucket(store, "infra/", never);
    if (survey.meta.kind !== "read") throw new Error(`expected a readable meta, got ${survey.meta.kind}`);
    expect([...survey.meta.shards.values()].map((s) => ("entries" in s ? [...s.entries.keys()] : s))).toEqual(
      [["files/x"]],
    );
    expect(survey.listed.map((o) => o.rel).sort()).toEqual(
      (await keysOf(store, "infra/")).map((k) => k.slice("infra/".length)).sort(),
    );
    expect(survey.listed.every((o) => o.serverNow === clock.now() && o.version !== "")).toBe(true);
  });

  test("solo mode's survey leaves every namespace's keys out (they are never its orphans)", async () => {
    await pushed();
    await store.put("infra/files/y", new TextEncoder().encode("y"));
    await store.put("infra/_index/_meta.json", new TextEncoder().encode("{}"));
    await store.put("logs/z", new TextEncoder().encode("z"));
    const survey = await surveyBucket(store, "", never);
    expect(survey.listed.map((o) => o.rel).filter((rel) => !rel.startsWith("_index/"))).toEqual([
      "files/x",
      "logs/z",
    ]);
  });

  test("no meta, an unreadable one, a missing shard: said, not thrown", async () => {
    expect((await surveyBucket(store, "", never)).meta).toEqual({ kind: "absent" });
    await pushed();
    const shard = (await keysOf(store, "_index/")).find((k) => k !== META) as string;
    await store.delete(shard);
    const survey = await surveyBucket(store, "", never);
    expect(survey.meta.kind === "read" && [...survey.meta.shards.values()]).toEqual([{ missing: true }]);
    await store.put(META, new TextEncoder().encode("{"));
    expect((await surveyBucket(store, "", never)).meta).toEqual({
      kind: "unreadable",
      reason: "not a JSON object",
    });
  });

  test("a meta that changes during every listing: given up after three surveys, naming the retry", async () => {
    await pushed();
    let commits = 0;
    const inner: ObjectStore = store;
    const busy = passThrough(store, {
      async *list(prefix, after, signal): AsyncIterable<ObjectInfo> {
        yield* inner.list(prefix, after, signal);
        // Another writer commits while the listing runs.
        const meta = await store.get(META);
        await store.put(META, new TextEncoder().encode(`${new TextDecoder().decode(meta?.body)} `));
        commits++;
      },
    });
    await expect(surveyBucket(busy, "", never)).rejects.toThrow(
      "changed during each of 3 surveys: writers are busy. Run 'swamp doctor' again",
    );
    expect(commits).toBe(3);
  });
});
