import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { ObjectInfo, ObjectStore } from "../../core/ports/object-store.ts";

export interface ObjectStoreFixture {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array) => new TextDecoder().decode(body);

async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of iterable) keys.push(info.key);
  return keys;
}

/** Every ObjectStore must pass this. A new backend adds one line calling it. */
export function objectStoreConformance(name: string, make: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore conformance: ${name}`, () => {
    let fixture: ObjectStoreFixture;
    let store: ObjectStore;
    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    test("get and head of a missing key are null", async () => {
      expect(await store.get("nope")).toBeNull();
      expect(await store.head("nope")).toBeNull();
      expect(await store.get("no/such/dir/key")).toBeNull();
    });

    test("put then get round-trips body, size and version", async () => {
      const put = await store.put("a.json", bytes('{"x":1}'));
      expect(put.ok).toBe(true);
      const got = await store.get("a.json");
      expect(got).not.toBeNull();
      expect(text(got?.body ?? new Uint8Array())).toBe('{"x":1}');
      expect(got?.size).toBe(7);
      expect(got?.key).toBe("a.json");
      expect(put.ok && got?.version).toBe(put.ok ? put.version : "");
      const head = await store.head("a.json");
      expect(head?.version).toBe(got?.version);
      expect(typeof head?.modifiedAt).toBe("number");
      expect(typeof head?.serverNow).toBe("number");
    });

    test("empty bodies are objects too", async () => {
      expect((await store.put("empty", new Uint8Array())).ok).toBe(true);
      expect((await store.get("empty"))?.size).toBe(0);
    });

    test("create-only succeeds once, then reports exists and keeps the first body", async () => {
      expect((await store.put("c", bytes("first"), { absent: true })).ok).toBe(true);
      expect(await store.put("c", bytes("second"), { absent: true })).toEqual({
        ok: false,
        reason: "exists",
      });
      expect(text((await store.get("c"))?.body ?? new Uint8Array())).toBe("first");
    });

    test("replace-if-version: ok on the current version, changed on a stale one, missing on no object", async () => {
      const first = await store.put("r", bytes("1"));
      if (!first.ok) throw new Error("put failed");
      const second = await store.put("r", bytes("2"), { version: first.version });
      expect(second.ok).toBe(true);
      expect(await store.put("r", bytes("3"), { version: first.version })).toEqual({
        ok: false,
        reason: "changed",
      });
      expect(text((await store.get("r"))?.body ?? new Uint8Array())).toBe("2");
      expect(await store.put("gone", bytes("x"), { version: first.version })).toEqual({
        ok: false,
        reason: "missing",
      });
      expect(await store.get("gone")).toBeNull();
    });

    test("delete-if-version: changed keeps the object, missing on no object, ok deletes", async () => {
      const first = await store.put("d", bytes("1"));
      const second = await store.put("d", bytes("2"));
      if (!first.ok || !second.ok) throw new Error("put failed");
      expect(await store.delete("d", { version: first.version })).toEqual({ ok: false, reason: "changed" });
      expect(text((await store.get("d"))?.body ?? new Uint8Array())).toBe("2");
      expect((await store.delete("d", { version: second.version })).ok).toBe(true);
      expect(await store.get("d")).toBeNull();
      expect(await store.delete("d", { version: second.version })).toEqual({ ok: false, reason: "missing" });
    });

    test("unconditional delete of a missing key is ok", async () => {
      expect((await store.delete("never-was")).ok).toBe(true);
      await store.put("once", bytes("x"));
      expect((await store.delete("once")).ok).toBe(true);
      expect(await store.head("once")).toBeNull();
    });

    test("32 concurrent create-only writes of one key: exactly one winner, whose body is stored", async () => {
      const results = await Promise.all(
        Array.from({ length: 32 }, (_, i) => store.put("race", bytes(`writer-${i}`), { absent: true })),
      );
      const winners = results.flatMap((result, i) => (result.ok ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) if (!result.ok) expect(result.reason).toBe("exists");
      expect(text((await store.get("race"))?.body ?? new Uint8Array())).toBe(`writer-${winners[0]}`);
    });

    test("concurrent replace-if-version of one version: exactly one winner", async () => {
      const base = await store.put("cas", bytes("0"));
      if (!base.ok) throw new Error("put failed");
      const results = await Promise.all(
        Array.from({ length: 16 }, (_, i) => store.put("cas", bytes(`v${i}`), { version: base.version })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const result of results) if (!result.ok) expect(result.reason).toBe("changed");
    });

    test("every write of new bytes changes the version", async () => {
      const seen = new Set<string>();
      let previous: string | undefined;
      for (let i = 0; i < 20; i++) {
        const result = await store.put("v", bytes(`body ${i}`), previous ? { version: previous } : undefined);
        if (!result.ok) throw new Error(`write ${i} failed: ${result.reason}`);
        expect(seen.has(result.version)).toBe(false);
        seen.add(result.version);
        previous = result.version;
      }
    });

    test("nested keys", async () => {
      await store.put("a/b/c/deep.yaml", bytes("deep"));
      await store.put("a/b/sibling", bytes("s"));
      expect(text((await store.get("a/b/c/deep.yaml"))?.body ?? new Uint8Array())).toBe("deep");
      expect(await store.get("a/b")).toBeNull();
      expect(await collect(store.list("a/"))).toEqual(["a/b/c/deep.yaml", "a/b/sibling"]);
    });

    test("list: prefix filter, ascending key order, strictly after `after`", async () => {
      // No key is also a folder of another key: a filesystem cannot hold both.
      const keys = ["b", "a/x", "a-z", "a/y/1", "a/y/2", "ab", "c/d", "a.txt", "a/y0"];
      for (const key of keys) await store.put(key, bytes(key));
      expect(await collect(store.list(""))).toEqual([...keys].sort());
      expect(await collect(store.list("a/"))).toEqual(["a/x", "a/y/1", "a/y/2", "a/y0"]);
      expect(await collect(store.list("a/y"))).toEqual(["a/y/1", "a/y/2", "a/y0"]);
      expect(await collect(store.list("a"))).toEqual(["a-z", "a.txt", "a/x", "a/y/1", "a/y/2", "a/y0", "ab"]);
      expect(await collect(store.list("a/", "a/y/1"))).toEqual(["a/y/2", "a/y0"]);
      expect(await collect(store.list("", "a/y0"))).toEqual(["ab", "b", "c/d"]);
      // Past a whole folder from a key that does not exist: how the namespaces are found.
      expect(await collect(store.list("", "a0"))).toEqual(["ab", "b", "c/d"]);
      expect(await collect(store.list("zzz"))).toEqual([]);
      const infos: ObjectInfo[] = [];
      for await (const info of store.list("c/")) infos.push(info);
      expect(infos[0]?.size).toBe(3);
      expect(infos[0]?.version).toBe((await store.head("c/d"))?.version ?? "");
    });

    test("list pages past 1,000 keys", async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `many/${String(i).padStart(5, "0")}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, bytes("x"))));
      }
      await store.put("other/outside", bytes("x"));
      expect(await collect(store.list("many/"))).toEqual(keys);
      expect(await collect(store.list("many/", keys[999]))).toEqual(keys.slice(1000));
    });
  });
}
