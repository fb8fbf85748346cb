// `bun bench/catalog-export.ts [--json]`: what publishing and pulling a namespace's catalog costs
// (docs/architecture.md, "Catalog export"), on moto behind a counting proxy. Namespace infra gets
// SWAMP_BENCH_EXPORT_ROWS catalog rows (default 10,000; the figure is 100,000) over 100
// models, written straight into its catalog; then `data put` times a one-record push before and
// after the rows are there (the first push after them publishes every part, the next one only the
// part of the model it changed), and namespace security times `datastore catalog pull` of the
// whole export. Never fails because of time.
import { randomUUID } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { SqliteCatalog } from "../adapters/sqlite/sqlite-catalog.ts";
import type { CatalogRow } from "../core/ports/catalog.ts";
import { type Command, runChild } from "./measure.ts";
import { s3Client, startMotoWorld } from "./moto-world.ts";
import { counted } from "./remote-measure.ts";
import type { Measured } from "./remote-report.ts";
import { type BenchRepo, makeBenchRepo } from "./remote-swamp.ts";
import { formatMs, table } from "./report.ts";

const ROWS = Number(process.env.SWAMP_BENCH_EXPORT_ROWS ?? 10_000);
const MODELS = 100;
const BUCKET = "swamp-bench-catalog";
const PREFIX = "p";

const json = process.argv.includes("--json");
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);

if (!Number.isSafeInteger(ROWS) || ROWS < MODELS) {
  console.error(
    `SWAMP_BENCH_EXPORT_ROWS must be a whole number of at least ${MODELS}; got ${process.env.SWAMP_BENCH_EXPORT_ROWS}.`,
  );
  process.exit(1);
}

/** `rows` synthetic rows over MODELS models; model 0 is `vpc` itself, so `data put vpc` changes a part of ROWS/MODELS rows. */
function syntheticRows(vpc: CatalogRow, rows: number): CatalogRow[] {
  return Array.from({ length: rows }, (_, i) => {
    const k = i % MODELS;
    const modelName = k === 0 ? vpc.modelName : `m${k}`;
    return {
      ...vpc,
      typeNormalized: k === 0 ? vpc.typeNormalized : "bench/model",
      modelId: k === 0 ? vpc.modelId : `bench-model-${k}`,
      dataName: `rec-${i}`,
      id: randomUUID(),
      version: 1,
      isLatest: true,
      modelName,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
      size: 100 + (i % 900),
      tags: { type: "resource", modelName, team: `team-${k % 5}` },
    };
  });
}

/** Total size of the objects under `prefix`. */
async function bytesUnder(client: S3Client, prefix: string): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      objects++;
      bytes += o.Size ?? 0;
    }
    token = page.NextContinuationToken;
  } while (token);
  return { objects, bytes };
}

const world = await startMotoWorld("catalog", BUCKET);
const { work, moto, proxy } = world;
try {
  const admin = s3Client(moto.endpoint);
  const loadStart = loadavg()[0] ?? 0;
  const swamp = (repo: BenchRepo, args: string[]): Command => ({
    argv: [binary, ...args, "--json"],
    cwd: repo.dir,
    env: repo.env,
  });
  const joinAs = async (name: string) => {
    const repo = makeBenchRepo(join(work, name));
    await runChild(swamp(repo, ["repo", "init"]));
    const setup = ["datastore", "setup", "s3", "--bucket", BUCKET, "--prefix", PREFIX, "--namespace", name];
    await runChild(
      swamp(repo, [...setup, "--region", "us-east-1", "--endpoint", proxy.url, "--force-path-style"]),
    );
    return repo;
  };
  const put = (repo: BenchRepo, n: number) =>
    counted(
      proxy,
      swamp(repo, ["data", "put", "vpc", "main", "--model-type", "aws/ec2/vpc", "--value", `{"n":${n}}`]),
    );

  progress("infra: a namespace of one record");
  const infra = await joinAs("infra");
  await put(infra, 0);
  const small = (await put(infra, 1)).measured;

  progress(`infra: ${ROWS} rows written into its catalog`);
  const catalog = await SqliteCatalog.open(join(infra.dir, ".swamp", "data", "_catalog.db"));
  const own = catalog.scan({ namespace: "infra" }, null, 100).rows;
  const vpc = own[0];
  if (!vpc) throw new Error("infra's catalog holds no row after 'data put'");
  await catalog.replaceNamespace(
    "infra",
    (async function* () {
      yield own;
      yield syntheticRows(vpc, ROWS);
    })(),
  );
  catalog.close();

  progress("infra: the first push publishes every part, the next only vpc's");
  const full = (await put(infra, 2)).measured;
  const one = (await put(infra, 3)).measured;
  const exported = await bytesUnder(admin, `${PREFIX}/infra/.catalog-export`);
  // What the one-record push uploaded for the export: vpc's part.
  const vpcPart = await bytesUnder(admin, `${PREFIX}/infra/.catalog-export/aws/ec2/vpc/`);

  progress("security: catalog pull of infra's export");
  const security = await joinAs("security");
  const pull = await counted(
    proxy,
    swamp(security, ["datastore", "catalog", "pull", "--namespaces", "infra"]),
  );
  const pulledRows = JSON.parse(pull.stdout).totalRows;
  // The two puts after the seeding added a version each.
  const expected = ROWS + own.length + 2;
  if (pulledRows !== expected) throw new Error(`catalog pull read ${pulledRows} rows, expected ${expected}`);
  admin.destroy();

  const report = {
    rows: ROWS,
    models: MODELS,
    cpus: availableParallelism(),
    loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 },
    export: exported,
    vpcPartBytes: vpcPart.bytes,
    putIntoOneRecordNamespace: small,
    putPublishingEveryPart: full,
    putIntoLargeNamespace: one,
    catalogPull: pull.measured,
  };
  const line = (what: string, m: Measured) => [
    what,
    formatMs(m.wallMs),
    formatMs(m.cpuMs),
    String(m.requests),
  ];
  console.log(
    json
      ? JSON.stringify(report, null, 2)
      : [
          `catalog export: ${ROWS} rows over ${MODELS} models → ${exported.objects} objects, ${(exported.bytes / 1024).toFixed(0)} KiB gzipped (${cpusLine(report)})`,
          table(
            ["run", "wall", "cpu", "requests"],
            [
              line("data put, namespace of 2 rows", small),
              line(`data put publishing all ${MODELS} parts`, full),
              line(`data put into ${ROWS} rows (1 part, ${(vpcPart.bytes / 1024).toFixed(0)} KiB)`, one),
              line(`catalog pull of ${pulledRows} rows`, pull.measured),
            ],
            new Set([1, 2, 3]),
          ),
        ].join("\n"),
  );
} finally {
  await world.close();
}

function cpusLine(r: { cpus: number; loadAverage: { start: number; end: number } }): string {
  return `${r.cpus} CPUs, load ${r.loadAverage.start.toFixed(1)} → ${r.loadAverage.end.toFixed(1)}`;
}
