import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { CountingObjectStore } from "../../../adapters/store-decorators/counting-object-store.ts";
import { encodeManifest, manifestKey } from "../../../core/namespace-manifest.ts";
import {
  listNamespaces,
  namespaceFolders,
  readManifest,
  registerNamespace,
} from "../../../core/use-cases/namespace-registry.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function world() {
  const clock = new FakeClock();
  const store = new MemoryObjectStore(clock);
  return { clock, store };
}

describe("namespace registry", () => {
  test("finds namespace folders among solo entries and root files, one listing per top-level entry", async () => {
    const { store } = world();
    for (const key of [
      ".datastore.lock",
      "_index/_meta.json",
      "data/t/1/n/1/raw",
      "infra/data/t/1/n/1/raw",
      "infra/data/t/1/n/2/raw",
      "infra-2/.namespace.json",
      "outputs/x.yaml",
      "security/.datastore.lock",
      "Bad_Name/x",
    ]) {
      await store.put(key, bytes(key));
    }
    const counting = new CountingObjectStore(store);
    expect(await namespaceFolders(counting)).toEqual(["infra", "infra-2", "security"]);
    // 8 top-level entries, and one listing that finds nothing more.
    expect(counting.counts.list).toBe(9);
  });

  test("lists manifests: registered, missing and corrupt, with this repo's namespace even before it has a folder", async () => {
    const { store } = world();
    await store.put(
      manifestKey("infra"),
      encodeManifest({ namespace: "infra", repoId: "r1", registeredAt: "2026-06-03T10:00:00.000Z" }),
    );
    await store.put("security/data/x", bytes("x"));
    await store.put(manifestKey("broken"), bytes("{not json"));
    await store.put(
      manifestKey("liar"),
      bytes(JSON.stringify({ namespace: "other", repoId: "r", registeredAt: "2026-01-01" })),
    );
    expect(await listNamespaces(store, "mine")).toEqual([
      { namespace: "broken", state: "corrupt", reason: "not valid JSON" },
      {
        namespace: "infra",
        state: "registered",
        manifest: { namespace: "infra", repoId: "r1", registeredAt: "2026-06-03T10:00:00.000Z" },
      },
      { namespace: "liar", state: "corrupt", reason: 'it names namespace "other", not "liar"' },
      { namespace: "mine", state: "missing" },
      { namespace: "security", state: "missing" },
    ]);
  });

  test("registers create-only; the same repo refreshes; another repo is refused naming it and nothing changes", async () => {
    const { clock, store } = world();
    const first = await registerNamespace(store, { namespace: "infra", repoId: "r1" }, clock);
    expect(first.registeredAt).toBe(new Date(clock.now()).toISOString());
    await clock.advance(60_000);
    const again = await registerNamespace(store, { namespace: "infra", repoId: "r1" }, clock);
    expect(again.registeredAt).toBe(new Date(clock.now()).toISOString());
    const before = await store.get(manifestKey("infra"));
    const refused = await swampFailure(registerNamespace(store, { namespace: "infra", repoId: "r2" }, clock));
    expect(refused.code).toBe("validation_failed");
    expect(refused.message).toContain('Namespace "infra" is already registered in this datastore by repo r1');
    expect((await store.get(manifestKey("infra")))?.version).toBe(before?.version ?? "");
    expect(await readManifest(store, "infra")).toEqual({
      namespace: "infra",
      state: "registered",
      manifest: again,
    });
  });

  test("a corrupt manifest is never overwritten", async () => {
    const { clock, store } = world();
    await store.put(manifestKey("infra"), bytes("garbage"));
    const refused = await swampFailure(registerNamespace(store, { namespace: "infra", repoId: "r1" }, clock));
    expect(refused.message).toContain("cannot be read (not valid JSON)");
    expect(new TextDecoder().decode((await store.get(manifestKey("infra")))?.body)).toBe("garbage");
  });
});
