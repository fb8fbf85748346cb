// `bun bench/run.ts [--quick] [--json]`: benchmarks of the compiled dist/swamp (build it first).
// First start-up as ratios to a compiled hello-world (bench/startup.ts), then seeds 10k and 100k
// record trees in a temp dir (10k only with --quick) and prints medians of repeated runs beside
// the aims. Never fails because of time.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type BenchReport, type BenchResult, renderReport, treeLabel } from "./report.ts";
import { seedRepo } from "./seed.ts";
import { benchStartup, renderStartup, STARTUP_RUNS } from "./startup.ts";
import { benchTree, FULL, QUICK } from "./suite.ts";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const binary = join(import.meta.dir, "..", "dist", "swamp");

if (!existsSync(binary)) {
  console.error(
    `No compiled binary at ${binary}. Build it first with 'bun build.ts', then rerun 'bun bench/run.ts'.`,
  );
  process.exit(1);
}

const progress = (line: string) => console.error(`bench: ${line}`);
const reps = quick ? QUICK : FULL;
const trees = quick ? [10_000] : [10_000, 100_000];
const work = mkdtempSync(join(tmpdir(), "swamp-bench-"));
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on("SIGINT", () => {
  cleanup();
  process.exit(130);
});

try {
  const report: BenchReport = {
    binary,
    binaryBuiltAt: statSync(binary).mtime.toISOString(),
    bun: Bun.version,
    cpus: availableParallelism(),
    loadAverage: { start: loadavg()[0] ?? 0, end: 0 },
    quick,
    seeding: [],
    results: [],
  };
  const record = (result: BenchResult) => {
    report.results.push(result);
    progress(`${result.id}: median ${result.stats.median.toFixed(1)} ms`);
  };

  progress("timing start-up against a compiled hello-world");
  const startup = benchStartup([binary], work, quick ? 21 : STARTUP_RUNS);
  for (const records of trees) {
    progress(`seeding ${treeLabel(records)} records`);
    const tree = await seedRepo(binary, join(work, treeLabel(records)), records);
    report.seeding.push({ records, modelSeconds: tree.modelSeconds, recordSeconds: tree.recordSeconds });
    for (const result of benchTree(binary, tree, reps)) record(result);
    rmSync(tree.dir, { recursive: true, force: true });
  }
  report.loadAverage.end = loadavg()[0] ?? 0;
  console.log(
    json
      ? JSON.stringify({ ...report, startup }, null, 2)
      : `${renderStartup(startup)}\n\n${renderReport(report)}`,
  );
} finally {
  cleanup();
}
