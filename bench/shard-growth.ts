// `bun bench/shard-growth.ts [PUSHES] [MINUTES_BETWEEN_PUSHES] [PARTITIONS]`: one clone pushes a change
// to one of PARTITIONS partitions every few (fake) minutes over an in-memory bucket, and prints how
// many shards the pushes wrote against how many are left under `_index/` (docs/architecture.md,
// "Old shards"), with the requests of the last push. Asserts nothing.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MemoryObjectStore } from "../adapters/memory/memory-object-store.ts";
import { SyncEngine } from "../adapters/sync/sync-engine.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import { META_KEY } from "../core/sync/sync-index.ts";
import { FakeClock } from "../tests/support/fake-clock.ts";
import { passThrough } from "../tests/support/pass-through-store.ts";

const pushes = Number(process.argv[2] ?? 500);
const minutes = Number(process.argv[3] ?? 5);
const partitions = Number(process.argv[4] ?? 3);
const clock = new FakeClock();
const memory = new MemoryObjectStore(clock);
let shardsWritten = 0;
const store = passThrough(memory, {
  put(key, body, when) {
    if (key.startsWith("_index/") && key !== META_KEY) shardsWritten++;
    return memory.put(key, body, when);
  },
});
const cache = await mkdtemp(join(tmpdir(), "swamp-shard-growth-"));
const engine = new SyncEngine({
  store,
  cacheDir: cache,
  remotePrefix: "",
  stateDir: join(cache, ".swamp-sync"),
  clock,
  host: systemHost(),
  concurrency: { pull: 8, push: 8 },
});

const rows: string[][] = [
  ["pushes", "fake hours", "shards written", "objects in _index/", "requests (last push)"],
];
try {
  for (let i = 1; i <= pushes; i++) {
    const rel = `files${i % partitions}/f`;
    engine.markDirty(rel);
    await mkdir(dirname(join(cache, rel)), { recursive: true });
    await writeFile(join(cache, rel), `push ${i}`);
    const pushed = await engine.pushChanged();
    await clock.advance(minutes * 60_000);
    if ([10, 50, 100, 200, 500, 1000].includes(i) || i === pushes) {
      let inIndex = 0;
      for await (const _ of memory.list("_index/")) inIndex++;
      rows.push([
        String(i),
        ((i * minutes) / 60).toFixed(1),
        String(shardsWritten),
        String(inIndex),
        String(pushed.requests),
      ]);
    }
  }
} finally {
  await rm(cache, { recursive: true, force: true });
}
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c] ?? 0)).join("  "));
