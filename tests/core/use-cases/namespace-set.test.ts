import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { encodeManifest, manifestKey } from "../../../core/namespace-manifest.ts";
import { readManifest } from "../../../core/use-cases/namespace-registry.ts";
import { type NamespaceSetDeps, setNamespace } from "../../../core/use-cases/namespace-set.ts";
import { FakeClock } from "../../support/fake-clock.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** A datastore, and a record of what the command did: leases taken, `.swamp.yaml` writes. */
function world() {
  const clock = new FakeClock();
  const store = new MemoryObjectStore(clock);
  const events: string[] = [];
  const deps: NamespaceSetDeps = {
    store,
    clock,
    underLease: async (fn) => {
      events.push("lease");
      try {
        return await fn(new AbortController().signal);
      } finally {
        events.push("release");
      }
    },
    saveNamespace: async (namespace) => {
      events.push(`save ${namespace}`);
    },
  };
  return { clock, store, events, deps };
}

async function registerOther(store: MemoryObjectStore, namespace: string, repoId: string): Promise<void> {
  await store.put(
    manifestKey(namespace),
    encodeManifest({ namespace, repoId, registeredAt: "2026-06-03T10:00:00.000Z" }),
  );
}

describe("namespace set", () => {
  test("registers under the lease, then saves; the previous namespace is reported and its manifest stays", async () => {
    const { store, events, deps } = world();
    await registerOther(store, "old", "r1");
    const outcome = await setNamespace(deps, { slug: "infra", current: "old", repoId: "r1" });
    expect(outcome).toMatchObject({ namespace: "infra", previousNamespace: "old", reregistered: false });
    expect(events).toEqual(["lease", "save infra", "release"]);
    expect(await readManifest(store, "infra")).toMatchObject({
      state: "registered",
      manifest: { repoId: "r1" },
    });
    expect(await readManifest(store, "old")).toMatchObject({
      state: "registered",
      manifest: { repoId: "r1" },
    });
  });

  test("from solo mode there is no previous namespace", async () => {
    const { deps } = world();
    const outcome = await setNamespace(deps, { slug: "infra", current: "", repoId: "r1" });
    expect(outcome.previousNamespace).toBeUndefined();
  });

  test("a slug another repo holds is refused naming it, without a lease and without saving", async () => {
    const { store, events, deps } = world();
    await registerOther(store, "infra", "owner");
    const before = await store.get(manifestKey("infra"));
    const e = await swampFailure(setNamespace(deps, { slug: "infra", current: "", repoId: "r2" }));
    expect(e.message).toContain('Namespace "infra" is already registered in this datastore by repo owner');
    expect(events).toEqual([]);
    expect((await store.get(manifestKey("infra")))?.version).toBe(before?.version ?? "");
  });

  test("a corrupt manifest is refused naming its key; nothing is written", async () => {
    const { store, events, deps } = world();
    await store.put(manifestKey("infra"), bytes("{oops"));
    const e = await swampFailure(setNamespace(deps, { slug: "infra", current: "", repoId: "r1" }));
    expect(e.message).toContain("cannot be read (not valid JSON) at infra/.namespace.json");
    expect(events).toEqual([]);
  });

  test("the current namespace, registered, is refused; with its manifest missing it is registered again", async () => {
    const { store, events, deps } = world();
    await registerOther(store, "infra", "r1");
    const e = await swampFailure(setNamespace(deps, { slug: "infra", current: "infra", repoId: "r1" }));
    expect(e.message).toStartWith('Namespace is already set to "infra".');
    expect(events).toEqual([]);

    await store.delete(manifestKey("infra"));
    const outcome = await setNamespace(deps, { slug: "infra", current: "infra", repoId: "r1" });
    expect(outcome).toMatchObject({ namespace: "infra", reregistered: true });
    expect(outcome.previousNamespace).toBeUndefined();
    // `.swamp.yaml` already names it: only the manifest is written.
    expect(events).toEqual(["lease", "release"]);
    expect(await readManifest(store, "infra")).toMatchObject({
      state: "registered",
      manifest: { repoId: "r1" },
    });
  });

  test("invalid slugs are refused with their rule before anything is read", async () => {
    const { events, deps } = world();
    const cases: [string, string][] = [
      ["Infra", "must match [a-z0-9][a-z0-9-]*"],
      ["-lead", "must match"],
      ["trail-", "must match"],
      ["a_b", "must match"],
      ["x".repeat(65), "at most 64 characters, got 65"],
      ["data", "reserved"],
    ];
    for (const [slug, rule] of cases) {
      const e = await swampFailure(setNamespace(deps, { slug, current: "", repoId: "r1" }));
      expect({ slug, message: e.message }).toMatchObject({ slug, message: expect.stringContaining(rule) });
    }
    expect(events).toEqual([]);
  });

  test("a repo without a repoId cannot register", async () => {
    const { store, deps } = world();
    const e = await swampFailure(setNamespace(deps, { slug: "infra", current: "", repoId: "" }));
    expect(e.message).toContain("no repoId");
    expect(await readManifest(store, "infra")).toEqual({ namespace: "infra", state: "missing" });
  });
});
