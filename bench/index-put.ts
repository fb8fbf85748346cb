// `bun bench/index-put.ts [--records N] [--json]`: what a one-record put into a model of N records
// (default 100,000) uploads of the index and of the catalog export, engine-level (docs/architecture.md,
// "Split partitions", "Catalog export"). An in-memory bucket gets an index of the model (a version's
// metadata.yaml and raw per record) and of its export parts; then one commit adds one record and
// rewrites the export part it changed, as a push does. Printed: requests and bytes of that commit
// under `_index/`, and the size of the export part rewritten, with split partitions and as one shard
// (the format before them). Asserts nothing.
import { createHash, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { MemoryObjectStore } from "../adapters/memory/memory-object-store.ts";
import { CountingObjectStore } from "../adapters/store-decorators/counting-object-store.ts";
import { commitIndex } from "../adapters/sync/index-commit.ts";
import { RemoteIndex } from "../adapters/sync/remote-index.ts";
import type { SyncRun } from "../adapters/sync/sync-run.ts";
import { encodeExportPart, exportPartCount, exportPartPath } from "../core/catalog-export.ts";
import type { CatalogRow } from "../core/ports/catalog.ts";
import type { EntryMap, IndexEntry } from "../core/sync/sync-index.ts";
import { INDEX_SPLIT_ENTRIES } from "../core/tunables.ts";
import { catalogRow } from "../tests/conformance/catalog-suite.ts";
import { FakeClock } from "../tests/support/fake-clock.ts";
import { passThrough } from "../tests/support/pass-through-store.ts";
import { table } from "./report.ts";

const at = process.argv.indexOf("--records");
const records = at > 0 ? Number(process.argv[at + 1]) : 100_000;
const json = process.argv.includes("--json");
const type = "aws/ec2/vpc";
const id = "0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
const model = { type, id };
const now = 1_764_500_000_000;
const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const entry = (rel: string, size: number): IndexEntry => ({ size, sha256: sha(rel), modifiedAt: now });
const name = (r: number) => `record-${r}`;

/** The model's catalog rows and its export parts, as the publisher splits them. */
const rows: CatalogRow[] = Array.from({ length: records + 1 }, (_, r) =>
  catalogRow({ typeNormalized: type, modelId: id, dataName: name(r), id: randomUUID(), size: 200 }),
);
const parts = exportPartCount(records + 1);
const changedPart = exportPartPath(model, parts, name(records));
const partRows = rows.filter((row) => exportPartPath(model, parts, row.dataName) === changedPart);
const partBytes = gzipSync(encodeExportPart("infra", model, partRows)).length;
const wholeBytes = gzipSync(encodeExportPart("infra", model, rows)).length;

function indexOf(count: number): EntryMap {
  const entries: EntryMap = new Map();
  for (let r = 0; r < count; r++) {
    const dir = `data/${type}/${id}/${name(r)}/1`;
    entries.set(`${dir}/metadata.yaml`, entry(`${dir}/metadata.yaml`, 420));
    entries.set(`${dir}/raw`, entry(`${dir}/raw`, 200));
  }
  for (const path of new Set(rows.slice(0, count).map((row) => exportPartPath(model, parts, row.dataName))))
    entries.set(path, entry(path, 14_000));
  entries.set("files/notes.txt", entry("files/notes.txt", 10));
  return entries;
}

async function measure(splitAt: number) {
  const clock = new FakeClock();
  const memory = new MemoryObjectStore(clock);
  const puts: { key: string; bytes: number }[] = [];
  let gets = 0;
  const store = passThrough(memory, {
    get: (key) => {
      gets++;
      return memory.get(key);
    },
    put: (key, body, when) => {
      puts.push({ key, bytes: body.byteLength });
      return memory.put(key, body, when);
    },
  });
  const run = (): SyncRun => ({
    direction: "push",
    store: new CountingObjectStore(store),
    signal: new AbortController().signal,
    options: {},
    progress: () => {},
  });
  const remote = new RemoteIndex(store, "", () => randomUUID());
  const context = { clock, concurrency: { push: 16 }, indexSplitEntries: splitAt };
  const entries = indexOf(records);
  const noDelta = { upserts: new Map(), deletions: new Map() };
  const base = await commitIndex(remote, run(), context, {
    base: null,
    entries,
    known: {},
    delta: noDelta,
    retry: false,
    seenSeq: 0,
  });
  if (base === null) throw new Error("the first commit lost a race on an empty bucket");
  // One record: its version's two files, and the export part it changed.
  const dir = `data/${type}/${id}/${name(records)}/1`;
  const upserts: EntryMap = new Map([
    [`${dir}/metadata.yaml`, entry(`${dir}/metadata.yaml`, 420)],
    [`${dir}/raw`, entry(`${dir}/raw`, 200)],
    [changedPart, entry(`${changedPart}#2`, partBytes)],
  ]);
  puts.length = 0;
  gets = 0;
  const known = Object.fromEntries(
    [...base.meta.partitions].map(([unit, ref]) => [unit, { sha256: ref.sha256 }]),
  );
  await commitIndex(remote, run(), context, {
    base: { meta: base.meta, version: base.version },
    entries,
    known,
    delta: { upserts, deletions: new Map() },
    retry: true,
    seenSeq: base.meta.commitSeq,
  });
  const meta = puts.find((p) => p.key === "_index/_meta.json")?.bytes ?? 0;
  const shards = puts.filter((p) => p.key !== "_index/_meta.json");
  return {
    shards: base.meta.partitions.size,
    requests: puts.length + gets,
    shardsWritten: shards.length,
    shardBytes: shards.reduce((sum, p) => sum + p.bytes, 0),
    metaBytes: meta,
  };
}

const split = await measure(INDEX_SPLIT_ENTRIES);
const whole = await measure(Number.MAX_SAFE_INTEGER);
const total = (m: typeof split, part: number) => m.shardBytes + m.metaBytes + part;
const report = {
  records,
  exportParts: parts,
  split: { ...split, exportPartBytes: partBytes, totalBytes: total(split, partBytes) },
  oneShard: { ...whole, exportPartBytes: wholeBytes, totalBytes: total(whole, wholeBytes) },
};
if (json) console.log(JSON.stringify(report, null, 2));
else {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`One-record put into a model of ${records} records (engine-level, in-memory bucket)`);
  console.log(
    table(
      [
        "index",
        "shards in meta",
        "requests",
        "shards written",
        "shard bytes",
        "meta bytes",
        "export part",
        "total",
      ],
      (
        [
          ["split", report.split],
          ["one shard (before)", report.oneShard],
        ] as const
      ).map(([label, m]) => [
        label,
        String(m.shards),
        String(m.requests),
        String(m.shardsWritten),
        kb(m.shardBytes),
        kb(m.metaBytes),
        kb(m.exportPartBytes),
        kb(m.totalBytes),
      ]),
      new Set([1, 2, 3, 4, 5, 6, 7]),
    ),
  );
  console.log(`ratio (split / before): ${(report.split.totalBytes / report.oneShard.totalBytes).toFixed(4)}`);
}
