// `bun bench/lazy-clone.ts [--json]`: a clone's first pull of N records on moto, full against lazy
// hydration (docs/architecture.md, "Lazy hydration"): wall time and requests at a counting proxy,
// side by side with their ratio, then what the lazy clone pays later (a query reading one record's content, and
// `ds sync --pull --hydrate` for the rest). N is SWAMP_BENCH_LAZY_RECORDS (default 2,000; the
// issue's figure is 20,000). Never fails because of time.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import type { ModelDefinition } from "../core/data-record.ts";
import { runChild } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";
import { counted, expectCount } from "./remote-measure.ts";
import type { Measured } from "./remote-report.ts";
import { type BenchRepo, cloneBenchRepo, makeBenchRepo } from "./remote-swamp.ts";
import { forEachConcurrent } from "./seed.ts";

const RECORDS = Number(process.env.SWAMP_BENCH_LAZY_RECORDS ?? 2_000);
const MODELS = 10;
const BUCKET = "swamp-bench-lazy";
const json = process.argv.includes("--json");
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);

if (!Number.isSafeInteger(RECORDS) || RECORDS < MODELS) {
  console.error(`SWAMP_BENCH_LAZY_RECORDS must be an integer of at least ${MODELS}; got ${RECORDS}.`);
  process.exit(1);
}

/** RECORDS records of about 300 bytes, one version each, spread over MODELS models. */
async function seed(swampDir: string): Promise<ModelDefinition> {
  const repo = new FsDataRepository(swampDir, { clock: systemClock, host: systemHost() });
  const models: ModelDefinition[] = Array.from({ length: MODELS }, (_, k) => ({
    type: "bench/lazy",
    id: crypto.randomUUID(),
    name: `lazy-${k}`,
  }));
  const encoder = new TextEncoder();
  await forEachConcurrent(RECORDS, 32, async (i) => {
    const model = models[i % MODELS] as ModelDefinition;
    const body = JSON.stringify({ i, cidr: `10.${i % 256}.0.0/16`, note: "n".repeat(240) });
    await repo.write(model, `rec-${i}`, encoder.encode(body), {
      contentType: "application/json",
      lifetime: "infinite",
      garbageCollection: 10,
      streaming: false,
      tags: { type: "resource", modelName: model.name },
      ownerDefinition: { ownerType: "manual", ownerRef: `bench:${model.name}` },
    });
  });
  return models[0] as ModelDefinition;
}

function makeLazy(repo: BenchRepo): void {
  const file = join(repo.dir, ".swamp.yaml");
  const doc = parse(readFileSync(file, "utf8")) as { datastore: Record<string, unknown> };
  doc.datastore.hydrationStrategy = "lazy";
  writeFileSync(file, stringify(doc));
}

const ratio = (a: number, b: number) => (b === 0 ? "—" : `${(a / b).toFixed(2)}×`);
const row = (label: string, m: Measured) =>
  `${label.padEnd(34)} ${(m.wallMs / 1000).toFixed(2).padStart(8)} s ${String(m.requests).padStart(8)} requests`;

const world = await startMotoWorld("lazy", BUCKET);
const { work, proxy } = world;
try {
  const writer = makeBenchRepo(join(work, "writer"));
  await runChild({ argv: [binary, "repo", "init", "--json"], cwd: writer.dir, env: writer.env });
  progress(`seeding ${RECORDS} records`);
  const model = await seed(join(writer.dir, ".swamp"));
  // Large sizes outlast the default sync deadline of 5 minutes.
  const swamp = (repo: BenchRepo, args: string[]) => ({
    argv: [binary, ...args, "--json"],
    cwd: repo.dir,
    env: { ...repo.env, SWAMP_DATASTORE_SYNC_TIMEOUT_MS: String(6 * 3600_000) },
  });
  progress("pushing them (ds setup s3)");
  const setup = [
    ...["datastore", "setup", "s3", "--bucket", BUCKET, "--prefix", "swamp", "--region", "us-east-1"],
    ...["--endpoint", proxy.url, "--force-path-style"],
  ];
  const pushed = await counted(proxy, swamp(writer, setup));
  expectCount("ds setup s3", JSON.parse(pushed.stdout).filesPushed, RECORDS * 2);

  progress("full clone: ds sync --pull");
  const full = cloneBenchRepo(writer, join(work, "full"));
  const fullPull = await counted(proxy, swamp(full, ["datastore", "sync", "--pull"]));
  expectCount("the full clone's pull", JSON.parse(fullPull.stdout).filesPulled, RECORDS * 2);

  progress("lazy clone: ds sync --pull");
  const lazy = cloneBenchRepo(writer, join(work, "lazy"));
  makeLazy(lazy);
  const lazyPull = await counted(proxy, swamp(lazy, ["datastore", "sync", "--pull"]));
  expectCount("the lazy clone's pull", JSON.parse(lazyPull.stdout).filesPulled, RECORDS);

  progress("lazy clone: a query reading one record's content, then ds sync --pull --hydrate");
  const query = [
    "data",
    "query",
    `modelName == "${model.name}" && name == "rec-0"`,
    "--select",
    "attributes.i",
  ];
  const get = await counted(proxy, swamp(lazy, query));
  expectCount("the query's answer", JSON.parse(get.stdout).results[0], 0);
  const hydrate = await counted(proxy, swamp(lazy, ["datastore", "sync", "--pull", "--hydrate"]));
  expectCount("ds sync --pull --hydrate", JSON.parse(hydrate.stdout).filesHydrated, RECORDS - 1);

  const report = {
    records: RECORDS,
    fullPull: fullPull.measured,
    lazyPull: lazyPull.measured,
    lazyOverFull: {
      wall: lazyPull.measured.wallMs / fullPull.measured.wallMs,
      requests: lazyPull.measured.requests / fullPull.measured.requests,
    },
    lazyQueryOne: get.measured,
    lazyHydrateRest: hydrate.measured,
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      [
        `Clone of ${RECORDS} records (one version each) on moto, through a counting proxy`,
        row("full clone: ds sync --pull", fullPull.measured),
        row("lazy clone: ds sync --pull", lazyPull.measured),
        `${"lazy / full".padEnd(34)} ${ratio(lazyPull.measured.wallMs, fullPull.measured.wallMs).padStart(10)} ${ratio(lazyPull.measured.requests, fullPull.measured.requests).padStart(17)}`,
        row("lazy: query reading one content", get.measured),
        row("lazy: ds sync --pull --hydrate", hydrate.measured),
      ].join("\n"),
    );
  }
} finally {
  await world.close();
}
