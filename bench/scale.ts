// `bun bench/scale.ts [--records N] [--store s3|gcs] [--json]`: whether swamp's costs stay flat as a
// namespaced datastore grows (issue 12), on moto (default) or the project's GCS test server behind a
// counting proxy, with the issue's aims:
//   1. a one-record `data put` into a model holding N records (default 100,000): requests, the
//      bytes uploaded under `_index/` and the catalog export (Content-Length of the PUTs), time;
//   2. a `ds sync` of that datastore with nothing changed: requests;
//   3. a fresh clone's `ds sync --pull` of 2 × min(N, 10,000) files (20,000 by default) from another
//      namespace of the same bucket: requests, wall, CPU.
// The records are written straight into the repo's files (as bench/seed.ts does), then one
// `ds setup s3|gcs --namespace` pushes them; that seeding is most of the run (it prints its times):
// at --records 10000 the whole run took about 10 minutes on moto on a busy 2-CPU machine, moto being
// the bottleneck; the default pushes 10× the files, which the GCS test server takes far faster.
// Never fails because of time.
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import type { ModelDefinition } from "../core/data-record.ts";
import { requestPath, type SeenRequest } from "../uat/support/counting-proxy.ts";
import { GCS_BENCH_PROJECT, startGcsWorld } from "./gcs-world.ts";
import { type Command, runChild, summarize } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";
import { counted } from "./remote-measure.ts";
import type { Measured } from "./remote-report.ts";
import { type BenchRepo, cloneBenchRepo, makeBenchRepo } from "./remote-swamp.ts";
import { renderScaleReport, type ScaleReport } from "./scale-report.ts";
import { forEachConcurrent } from "./seed.ts";

const BUCKET = "swamp-bench-scale";
const PREFIX = "scale";
const MODEL = "big";
const MODEL_TYPE = "bench/scale";
/** Measured runs of the put and of the zero-diff sync, after a warm-up put; figures are medians. */
const RUNS = 3;
const PULL_RECORDS_MAX = 10_000;
const AIM = { putRequests: 6, putIndexBytes: 64 * 1024, zeroDiffRequests: 1 };

const args = process.argv.slice(2);
const json = args.includes("--json");
const records = Number(args.includes("--records") ? args[args.indexOf("--records") + 1] : 100_000);
const store = (args.includes("--store") ? args[args.indexOf("--store") + 1] : "s3") as ScaleReport["store"];
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);

if (!Number.isSafeInteger(records) || records < 2) {
  console.error(
    `--records must be a whole number of at least 2; got ${records}. Example: bun bench/scale.ts --records 10000`,
  );
  process.exit(2);
}
if (store !== "s3" && store !== "gcs") {
  console.error(`--store must be s3 or gcs; got ${store}. Example: bun bench/scale.ts --store gcs`);
  process.exit(2);
}

const swamp = (repo: BenchRepo, argv: string[]): Command => ({
  argv: [binary, ...argv, "--json"],
  cwd: repo.dir,
  // A push of 200k files outlasts the default sync deadline of 5 minutes.
  env: { ...repo.env, SWAMP_DATASTORE_SYNC_TIMEOUT_MS: String(6 * 3600_000) },
});

const putArgs = (name: string, value: unknown) => [
  ...["data", "put", MODEL, name, "--model-type", MODEL_TYPE, "--value", JSON.stringify(value)],
];

/** A namespaced repo whose model MODEL holds `count` records (one `data put`, the rest written in place), pushed by `ds setup s3|gcs`. */
async function seededNamespace(root: string, namespace: string, count: number, proxyUrl: string) {
  const repo = makeBenchRepo(root);
  await runChild(swamp(repo, ["repo", "init"]));
  const first = await runChild(swamp(repo, putArgs("seed", { seed: true })));
  const put = JSON.parse(first.stdout) as { modelId: string; modelName: string; modelType: string };
  const model: ModelDefinition = { type: put.modelType, id: put.modelId, name: put.modelName };
  let started = performance.now();
  const files = new FsDataRepository(join(repo.dir, ".swamp"), { clock: systemClock, host: systemHost() });
  const encoder = new TextEncoder();
  await forEachConcurrent(count - 1, 32, async (i) => {
    const body = JSON.stringify({ i, cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24`, note: "n".repeat(60) });
    await files.write(model, `rec-${i}`, encoder.encode(body), {
      contentType: "application/json",
      lifetime: "infinite",
      garbageCollection: 10,
      streaming: false,
      tags: { type: "resource", modelName: model.name, team: `team-${i % 5}` },
      ownerDefinition: { ownerType: "manual", ownerRef: `cli:${model.name}` },
    });
  });
  const writeSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const setup = [
    ...["datastore", "setup", store, "--bucket", BUCKET, "--prefix", PREFIX, "--namespace", namespace],
    ...(store === "s3"
      ? ["--region", "us-east-1", "--endpoint", proxyUrl, "--force-path-style"]
      : ["--project", GCS_BENCH_PROJECT, "--api-endpoint", proxyUrl]),
  ];
  const pushed = await runChild(swamp(repo, setup));
  // Besides the records' files, the push carries the model's own files.
  const filesPushed = JSON.parse(pushed.stdout).filesPushed as number;
  if (!(filesPushed >= 2 * count))
    throw new Error(`ds setup ${store} pushed ${filesPushed} files, expected at least ${2 * count}`);
  // The first push after a setup publishes the namespace's catalog export (setup does not).
  await runChild(swamp(repo, ["datastore", "sync"]));
  const pushSeconds = (performance.now() - started) / 1000;
  return { repo, seeding: { records: count, writeSeconds, pushSeconds } };
}

/** Bytes of the uploads (S3 PUT, GCS POST) under `_index/` and under the catalog export. */
function uploaded(seen: SeenRequest[]): { index: number; catalogExport: number } {
  let index = 0;
  let catalogExport = 0;
  for (const q of seen) {
    if (q.method !== "PUT" && q.method !== "POST") continue;
    const path = requestPath(q);
    if (path.includes("/_index/")) index += q.bytes;
    else if (path.includes("/.catalog-export")) catalogExport += q.bytes;
  }
  return { index, catalogExport };
}

interface PutRun extends Measured {
  indexBytes: number;
  catalogExportBytes: number;
}

const median = <T>(runs: T[], pick: (r: T) => number) => summarize(runs.map(pick)).median;

const world = store === "s3" ? await startMotoWorld("scale", BUCKET) : await startGcsWorld("scale", BUCKET);
const { work, proxy } = world;
try {
  const loadStart = loadavg()[0] ?? 0;
  const started = performance.now();
  progress(`writing ${records} records into model ${MODEL}, then ds setup ${store} --namespace big`);
  const big = await seededNamespace(join(work, "big"), "big", records, proxy.url);

  progress(`a warm-up put, then ${RUNS} one-record puts into ${records} records`);
  await runChild(swamp(big.repo, putArgs("rec-0", { i: 0, v: "warm-up" })));
  const puts: PutRun[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const { measured } = await counted(proxy, swamp(big.repo, putArgs(`rec-${run}`, { i: run, v: 2 })));
    const seen = proxy.requests();
    const bytes = uploaded(seen);
    const log = seen.map(
      (q) =>
        `${q.method} ${requestPath(q).replace(`/${BUCKET}/${PREFIX}/`, "")}${q.bytes ? ` (${q.bytes} B)` : ""}`,
    );
    puts.push({ ...measured, log, indexBytes: bytes.index, catalogExportBytes: bytes.catalogExport });
  }
  progress(`${RUNS} ds sync with nothing changed`);
  const zeroDiffs: Measured[] = [];
  for (let run = 0; run < RUNS; run++) {
    zeroDiffs.push((await counted(proxy, swamp(big.repo, ["datastore", "sync"]))).measured);
  }

  const pullRecords = Math.min(records, PULL_RECORDS_MAX);
  progress(`writing ${pullRecords} records into namespace clone, then a fresh clone's ds sync --pull`);
  const feeder = await seededNamespace(join(work, "feeder"), "clone", pullRecords, proxy.url);
  const clone = cloneBenchRepo(feeder.repo, join(work, "clone"));
  const pull = await counted(proxy, swamp(clone, ["datastore", "sync", "--pull"]));
  const pulled = JSON.parse(pull.stdout).filesPulled as number;
  if (!(pulled >= 2 * pullRecords))
    throw new Error(`the clone pulled ${pulled} files, expected at least ${2 * pullRecords}`);

  const put = {
    runs: RUNS,
    wallMs: median(puts, (r) => r.wallMs),
    cpuMs: median(puts, (r) => r.cpuMs),
    requests: median(puts, (r) => r.requests),
    indexBytes: median(puts, (r) => r.indexBytes),
    catalogExportBytes: median(puts, (r) => r.catalogExportBytes),
    uploadedBytes: median(puts, (r) => r.indexBytes + r.catalogExportBytes),
    log: puts[puts.length - 1]?.log ?? [],
  };
  const zeroDiff = {
    runs: RUNS,
    wallMs: median(zeroDiffs, (r) => r.wallMs),
    cpuMs: median(zeroDiffs, (r) => r.cpuMs),
    requests: median(zeroDiffs, (r) => r.requests),
  };
  const report: ScaleReport = {
    binary,
    store,
    cpus: availableParallelism(),
    loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 },
    records,
    seeding: [big.seeding, feeder.seeding],
    elapsedSeconds: (performance.now() - started) / 1000,
    put,
    zeroDiff,
    pull: { files: pulled, ...pull.measured },
    aims: {
      putRequests: { aim: AIM.putRequests, met: put.requests <= AIM.putRequests },
      putIndexBytes: { aim: AIM.putIndexBytes, met: put.uploadedBytes <= AIM.putIndexBytes },
      zeroDiffRequests: { aim: AIM.zeroDiffRequests, met: zeroDiff.requests <= AIM.zeroDiffRequests },
    },
  };
  console.log(json ? JSON.stringify(report, null, 2) : renderScaleReport(report));
} finally {
  await world.close();
}
