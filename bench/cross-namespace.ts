import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { SqliteCatalog } from "../adapters/sqlite/sqlite-catalog.ts";
import type { CatalogRow } from "../core/ports/catalog.ts";
import { queryRow } from "../tests/support/query-rows.ts";
import { runChild } from "./measure.ts";
import { s3Client, startMotoWorld } from "./moto-world.ts";
import { counted } from "./remote-measure.ts";
import type { Measured } from "./remote-report.ts";
import { makeBenchRepo } from "./remote-swamp.ts";
import { forEachConcurrent } from "./seed.ts";

const ROWS = Number(process.env.SWAMP_BENCH_ROWS ?? 100_000);
const FOREIGN = 1_000;
const BUCKET = "swamp-bench";
const PREFIX = "swamp";
const BATCH = 5_000;

const json = process.argv.includes("--json");
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);
if (!Number.isSafeInteger(ROWS) || ROWS < 2 * FOREIGN) {
  console.error(
    `SWAMP_BENCH_ROWS must be a whole number of at least ${2 * FOREIGN}; got ${process.env.SWAMP_BENCH_ROWS}.`,
  );
  process.exit(1);
}

/** `count` rows of namespace `ns`, model `model`, numbered from 0; JSON content with `x = i % 2`. */
function rows(ns: string, model: string, count: number, modelId: string): CatalogRow[] {
  return Array.from({ length: count }, (_, i) =>
    queryRow({
      namespace: ns,
      modelName: model,
      modelId,
      typeNormalized: `bench/${model}`,
      dataName: `n${i}`,
    }),
  );
}

async function* batches(all: CatalogRow[]): AsyncIterable<CatalogRow[]> {
  for (let i = 0; i < all.length; i += BATCH) yield all.slice(i, i + BATCH);
}

const world = await startMotoWorld("cross", BUCKET);
const { work, moto, proxy } = world;
try {
  const admin = s3Client(moto.endpoint);
  const viaProxy = s3Client(proxy.url);
  const repo = makeBenchRepo(join(work, "security"));
  const swamp = (args: string[]) => ({ argv: [binary, ...args], cwd: repo.dir, env: repo.env });
  await runChild(swamp(["repo", "init", "--json"]));
  const setup = ["datastore", "setup", "s3", "--bucket", BUCKET, "--prefix", PREFIX, "--region", "us-east-1"];
  await runChild(
    swamp([...setup, "--endpoint", proxy.url, "--force-path-style", "--namespace", "security", "--json"]),
  );
  // The first query creates the catalog and follows security's (empty) data.
  await runChild(swamp(["data", "query", "true", "--json"]));

  progress(`seeding ${ROWS} catalog rows and ${FOREIGN} of infra's raw objects`);
  const own = Math.floor((ROWS - FOREIGN) / 2);
  const infraRows = rows("infra", "vpc", FOREIGN, crypto.randomUUID());
  const catalog = await SqliteCatalog.open(join(repo.dir, ".swamp", "data", "_catalog.db"));
  await catalog.replaceNamespace("security", batches(rows("security", "scanner", own, crypto.randomUUID())));
  // Other namespaces' rows as `datastore catalog pull` places them.
  const pulledAt = new Date().toISOString();
  catalog.replaceForeign("net", rows("net", "subnet", ROWS - FOREIGN - own, crypto.randomUUID()), pulledAt);
  catalog.replaceForeign("infra", infraRows, pulledAt);
  catalog.close();
  const rawKey = (row: CatalogRow) =>
    `${row.namespace}/data/${row.typeNormalized}/${row.modelId}/${row.dataName}/${row.version}/raw`;
  await forEachConcurrent(FOREIGN, 32, async (i) => {
    const row = infraRows[i] as CatalogRow;
    const body = JSON.stringify({ x: i % 2 });
    await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${rawKey(row)}`, Body: body }));
  });
  // The floor: the same GETs from one SDK client through the proxy, 16 at a time (swamp's width).
  const floorStart = performance.now();
  await forEachConcurrent(FOREIGN, 16, async (i) => {
    const key = `${PREFIX}/${rawKey(infraRows[i] as CatalogRow)}`;
    await (
      await viaProxy.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
    ).Body?.transformToByteArray();
  });
  const floorMs = performance.now() - floorStart;
  admin.destroy();
  viaProxy.destroy();
  const expectedGets = new Set(infraRows.map((row) => `/${BUCKET}/${PREFIX}/${rawKey(row)}`));

  const total = await runChild(swamp(["data", "query", "true", "--select", "ns", "--json"]));
  const counts = JSON.parse(total.stdout).total as number;
  if (counts !== ROWS) throw new Error(`the catalog answers ${counts} latest rows, expected ${ROWS}`);

  const queries = [
    {
      label: 'ns == "infra" && attributes.x == 1 (namespace pushed down)',
      predicate: 'ns == "infra" && attributes.x == 1',
    },
    {
      label: 'ns in ["infra"] && attributes.x == 1 (every row scanned)',
      predicate: 'ns in ["infra"] && attributes.x == 1',
    },
  ];
  const results: { label: string; rows: number; matches: number; measured: Measured }[] = [];
  for (const { label, predicate } of queries) {
    progress(label);
    const run = await counted(proxy, swamp(["data", "query", predicate, "--select", "name", "--json"]));
    const fetched = proxy
      .requests()
      .map((r) => ({ method: r.method, path: decodeURIComponent(r.path.split("?")[0] ?? "") }))
      .filter((r) => r.method === "GET" && r.path.endsWith("/raw"));
    const stray = fetched.filter((r) => !expectedGets.has(r.path));
    if (
      fetched.length !== FOREIGN ||
      stray.length > 0 ||
      new Set(fetched.map((r) => r.path)).size !== FOREIGN
    ) {
      throw new Error(
        `${label}: fetched ${fetched.length} raw objects (${stray.length} not infra's), expected each of infra's ${FOREIGN} once`,
      );
    }
    const matches = JSON.parse(run.stdout).total as number;
    if (matches !== FOREIGN / 2) throw new Error(`${label}: ${matches} matches, expected ${FOREIGN / 2}`);
    results.push({ label, rows: ROWS, matches, measured: run.measured });
  }

  const report = {
    cpus: availableParallelism(),
    loadAverage: loadavg()[0] ?? 0,
    rows: ROWS,
    foreign: FOREIGN,
    results,
  };
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `cross-namespace query over ${ROWS} catalog rows, ${FOREIGN} of them infra's (content in moto)`,
    );
    for (const { label, matches, measured } of results) {
      console.log(
        `  ${label}: ${measured.wallMs.toFixed(0)} ms, ${measured.requests} requests (${JSON.stringify(measured.byMethod)}), ${matches} matches`,
      );
    }
    console.log(`  each query fetched each of infra's ${FOREIGN} raw objects once and nothing else`);
    console.log(
      `  floor: the same ${FOREIGN} GETs from one SDK client, 16 at a time: ${floorMs.toFixed(0)} ms`,
    );
  }
} finally {
  await world.close();
}
