import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsObjectStore } from "../../../adapters/fs/fs-object-store.ts";
import { systemClock } from "../../../adapters/system/system-clock.ts";
import { SwampError } from "../../../core/errors.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

async function tempRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "swamp-fs-store-"));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

objectStoreConformance("filesystem", async () => {
  const { root, cleanup } = await tempRoot();
  return { store: new FsObjectStore(join(root, "store"), new FakeClock()), cleanup };
});

const bytes = (text: string) => new TextEncoder().encode(text);

describe("FsObjectStore", () => {
  test("rejects keys that could escape the root", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const store = new FsObjectStore(root, new FakeClock());
      for (const key of ["/etc/passwd", "../x", "a/../../x", "a\\b", "a\0b"]) {
        const error = await store.put(key, bytes("x")).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SwampError);
        expect((error as SwampError).code).toBe("path_traversal");
        await expect(store.get(key)).rejects.toThrow("Path traversal detected");
      }
    } finally {
      await cleanup();
    }
  });

  test("reserves *.tmp and *.mutex names, and never lists them", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const store = new FsObjectStore(root, new FakeClock());
      await expect(store.put("x.tmp", bytes("x"))).rejects.toThrow("reserved");
      await store.put("dir/real", bytes("x"));
      await writeFile(join(root, "dir", ".leftover.tmp"), "junk");
      await writeFile(join(root, "dir", "real.mutex"), "junk");
      const keys: string[] = [];
      for await (const info of store.list("")) keys.push(info.key);
      expect(keys).toEqual(["dir/real"]);
    } finally {
      await cleanup();
    }
  });

  test("writes leave no temp or mutex files behind", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const store = new FsObjectStore(root, new FakeClock());
      const first = await store.put("k", bytes("1"), { absent: true });
      if (!first.ok) throw new Error("create failed");
      await store.put("k", bytes("2"), { version: first.version });
      await store.put("k", bytes("3"));
      await store.put("k", bytes("4"), { absent: true });
      expect(await readdir(root)).toEqual(["k"]);
    } finally {
      await cleanup();
    }
  });

  test("a listing removes the temps of interrupted writes older than an hour, and keeps fresh ones", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const clock = new FakeClock();
      const store = new FsObjectStore(root, clock);
      await store.put(".locks/a.lock", bytes("{}"));
      const temp = async (ageMs: number) => {
        const path = join(root, ".locks", `.${crypto.randomUUID()}.tmp`);
        await writeFile(path, "half");
        await utimes(path, (clock.now() - ageMs) / 1000, (clock.now() - ageMs) / 1000);
        return path;
      };
      const stale = await temp(2 * 60 * 60 * 1000);
      const fresh = await temp(60 * 1000);
      const keys: string[] = [];
      for await (const info of store.list(".locks/")) keys.push(info.key);
      expect(keys).toEqual([".locks/a.lock"]);
      expect([existsSync(stale), existsSync(fresh)]).toEqual([false, true]);
    } finally {
      await cleanup();
    }
  });

  test("modifiedAt follows the store's clock", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const clock = new FakeClock({ start: 1_000_000_000_000 });
      const store = new FsObjectStore(root, clock);
      await store.put("k", bytes("1"));
      await clock.advance(5000);
      const info = await store.head("k");
      expect(info?.modifiedAt).toBe(1_000_000_000_000);
      expect(info?.serverNow).toBe(1_000_000_005_000);
    } finally {
      await cleanup();
    }
  });

  test("breaks a key mutex left behind by a dead process on this host", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const store = new FsObjectStore(root, systemClock);
      await store.put("k", bytes("1"));
      const child = Bun.spawn([process.execPath, "-e", "0"]);
      await child.exited;
      await writeFile(join(root, "k.mutex"), `${(await import("node:os")).hostname()}\n${child.pid}\n`);
      expect((await store.put("k", bytes("2"))).ok).toBe(true);
      expect(await readdir(root)).toEqual(["k"]);
    } finally {
      await cleanup();
    }
  });

  test("8 processes: one create-only winner, and 160 CAS increments all land", async () => {
    const { root, cleanup } = await tempRoot();
    try {
      const store = new FsObjectStore(root, systemClock);
      await store.put("counter", bytes("0"));
      const worker = join(import.meta.dir, "..", "..", "support", "fs-store-worker.ts");
      const children = Array.from({ length: 8 }, (_, i) =>
        Bun.spawn([process.execPath, worker, root, `w${i}`], { stdout: "pipe", stderr: "pipe" }),
      );
      const outputs = await Promise.all(
        children.map(async (child) => {
          const [out, err, code] = await Promise.all([
            new Response(child.stdout).text(),
            new Response(child.stderr).text(),
            child.exited,
          ]);
          if (code !== 0) throw new Error(`worker failed (${code}): ${err}`);
          return JSON.parse(out) as { id: string; won: boolean };
        }),
      );
      const winners = outputs.filter((o) => o.won);
      expect(winners).toHaveLength(1);
      expect(new TextDecoder().decode((await store.get("winner"))?.body)).toBe(winners[0]?.id ?? "");
      expect(new TextDecoder().decode((await store.get("counter"))?.body)).toBe("160");
    } finally {
      await cleanup();
    }
  }, 30_000);
});
