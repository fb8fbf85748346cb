import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { sha256Hex } from "../../adapters/sync/hash-file.ts";
import { SyncEngine } from "../../adapters/sync/sync-engine.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { editIndexShard } from "./broken-shard.ts";
import type { FakeClock } from "./fake-clock.ts";

/** What the sync conformance suites share: "machines" (caches with an engine each) over one store. */
export interface SyncStoreFixture {
  store: ObjectStore;
  cleanup(): Promise<void>;
  /** Split index partitions above this many entries (default: the engine's own threshold). */
  indexSplitEntries?: number;
}

export const MODEL_1 = "data/aws/ec2/0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
export const MODEL_2 = "data/aws/ec2/7d3e1f40-2a9b-4c6d-8e5f-0a1b2c3d4e5f";
export const META = "_index/_meta.json";
export const HOSTILE = ["../../x", "/etc/x", "a/../../x", "a\\b", "a\u0000b"];

/** One "machine": its own cache and state dir, an engine over a (possibly wrapped) shared store. */
export class Machine {
  engine: SyncEngine;

  constructor(
    readonly root: string,
    readonly cache: string,
    readonly clock: FakeClock,
    store: ObjectStore,
    readonly prefix: string,
    readonly hydration: "full" | "lazy" = "full",
    readonly indexSplitEntries?: number,
  ) {
    this.engine = this.engineOver(store);
  }

  engineOver(store: ObjectStore, deadlineMs?: number): SyncEngine {
    return new SyncEngine({
      store,
      cacheDir: this.cache,
      remotePrefix: this.prefix,
      stateDir: join(this.cache, ".swamp-sync"),
      clock: this.clock,
      host: systemHost(),
      concurrency: { pull: 8, push: 8 },
      hydration: this.hydration,
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
      ...(this.indexSplitEntries === undefined ? {} : { indexSplitEntries: this.indexSplitEntries }),
    });
  }

  /** Writes a file as swamp does: markDirty first, then the write. */
  async write(rel: string, body: string | Uint8Array): Promise<void> {
    this.engine.markDirty(rel);
    await mkdir(dirname(join(this.cache, rel)), { recursive: true });
    await writeFile(join(this.cache, rel), body);
  }

  async remove(rel: string): Promise<void> {
    this.engine.markDirty(rel);
    await rm(join(this.cache, rel), { recursive: true, force: true });
  }

  async read(rel: string): Promise<string | null> {
    return readFile(join(this.cache, rel), "utf8").catch(() => null);
  }

  async bytes(rel: string): Promise<Uint8Array | null> {
    return readFile(join(this.cache, rel)).catch(() => null);
  }
}

/** Every file under `dir` → size, mtime and hash, to prove that nothing was written. */
export async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (path: string): Promise<void> => {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await visit(full);
      else {
        const info = await stat(full);
        out.set(relative(dir, full), `${info.size}:${info.mtimeMs}:${sha256Hex(await readFile(full))}`);
      }
    }
  };
  await visit(dir);
  return out;
}

export async function keysOf(store: ObjectStore, prefix = ""): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of store.list(prefix)) keys.push(info.key);
  return keys;
}

/** Rewrites one partition's shard in `store` below `prefix`, as editIndexShard does. */
export function editShard(
  store: ObjectStore,
  prefix: string,
  partition: string,
  edit: (entries: Record<string, unknown>) => void,
): Promise<void> {
  const objects = {
    get: async (key: string) => (await store.get(`${prefix}${key}`))?.body ?? null,
    put: async (key: string, body: Uint8Array) => {
      await store.put(`${prefix}${key}`, body);
    },
  };
  return editIndexShard(objects, partition, edit);
}
