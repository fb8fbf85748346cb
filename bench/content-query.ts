// `bun bench/content-query.ts --before <binary> [--quick] [--runs N]`: `data query` predicates on
// content, the compiled dist/swamp against another build (e.g. main's) side by side in one run, on
// the 10k and 100k trees of bench/seed.ts (10k only with --quick). Each binary keeps its own
// catalog file (swapped in before its runs) and the binaries alternate run by run; prints medians
// and the ratio after/before, and never fails because of time.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type Command, capture, summarize } from "./measure.ts";
import { formatMs, table, treeLabel } from "./report.ts";
import { latestCount, seedRepo } from "./seed.ts";

const argValue = (flag: string) => {
  const at = process.argv.indexOf(flag);
  return at === -1 ? undefined : process.argv[at + 1];
};
const before = argValue("--before");
const after = join(import.meta.dir, "..", "dist", "swamp");
const quick = process.argv.includes("--quick");
const runs = Number(argValue("--runs") ?? (quick ? 3 : 5));
if (before === undefined || !existsSync(before) || !existsSync(after)) {
  console.error(
    "Give the build to compare with: 'bun bench/content-query.ts --before /tmp/main/dist/swamp' (build it with 'bun build.ts' in a checkout of that commit), and build this one first with 'bun build.ts'.",
  );
  process.exit(1);
}

interface Case {
  label: string;
  args: (records: number) => string[];
  expected: (records: number) => number;
}

// Bulk record i holds {i, env, cidr} (bench/seed.ts); the per-model `seed` records have no `i`.
const CASES: Case[] = [
  {
    label: "attributes.i >= N-10 (10 results)",
    args: (n) => [`attributes.i >= ${n - 10}`],
    expected: () => 10,
  },
  {
    label: 'attributes.env == "prod" (half, printed)',
    args: () => ['attributes.env == "prod"'],
    expected: (n) => n / 2,
  },
  {
    label: "size > 0 (every record printed, with content)",
    args: () => ["size > 0"],
    expected: latestCount,
  },
  // No content read and nothing printed: what keeping content costs a scan of the rows alone.
  { label: "size < 0 (no content, no results)", args: () => ["size < 0"], expected: () => 0 },
];

const progress = (line: string) => console.error(`bench: ${line}`);
const CATALOG_FILES = ["_catalog.db", "_catalog.db-wal", "_catalog.db-shm"];

/** Moves the catalog files between the repo and `slot` (a directory of their own). */
function moveCatalog(dataDir: string, slot: string, into: "repo" | "slot"): void {
  mkdirSync(slot, { recursive: true });
  for (const name of CATALOG_FILES) {
    const [from, to] =
      into === "repo" ? [join(slot, name), join(dataDir, name)] : [join(dataDir, name), join(slot, name)];
    if (existsSync(from)) renameSync(from, to);
  }
}

function timed(command: Command): number {
  const started = performance.now();
  const result = Bun.spawnSync(command.argv, { cwd: command.cwd, stdout: "ignore", stderr: "pipe" });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`'${command.argv.join(" ")}' failed:\n${result.stderr}`);
  return ms;
}

function total(command: Command): number {
  return (JSON.parse(capture(command).stdout) as { total: number }).total;
}

const rows: string[][] = [];
const work = mkdtempSync(join(tmpdir(), "swamp-content-query-"));
try {
  for (const records of quick ? [10_000] : [10_000, 100_000]) {
    progress(`seeding ${treeLabel(records)} records`);
    const tree = await seedRepo(after, join(work, treeLabel(records)), records);
    const dataDir = join(tree.dir, ".swamp", "data");
    const binaries = [
      { name: "before", binary: before, slot: join(work, `catalog-before-${records}`) },
      { name: "after", binary: after, slot: join(work, `catalog-after-${records}`) },
    ];
    // Each build backfills its own catalog from the same data.
    rmSync(join(dataDir, "_catalog.db"), { force: true });
    for (const b of binaries) {
      capture({ argv: [b.binary, "data", "query", "size < 0", "--json"], cwd: tree.dir });
      moveCatalog(dataDir, b.slot, "slot");
    }
    for (const c of CASES) {
      const argv = (binary: string) => [binary, "data", "query", ...c.args(records), "--json"];
      const samples: Record<string, number[]> = { before: [], after: [] };
      let firstAfter = 0;
      for (const b of binaries) {
        moveCatalog(dataDir, b.slot, "repo");
        // The first run is untimed, checks the answer, and is the one that keeps content (after).
        const first = performance.now();
        const got = total({ argv: argv(b.binary), cwd: tree.dir });
        if (b.name === "after") firstAfter = performance.now() - first;
        if (got !== c.expected(records))
          throw new Error(`${b.name}: ${c.label} gave ${got}, expected ${c.expected(records)}`);
        moveCatalog(dataDir, b.slot, "slot");
      }
      for (let i = 0; i < runs; i++) {
        for (const b of i % 2 === 0 ? binaries : [...binaries].reverse()) {
          moveCatalog(dataDir, b.slot, "repo");
          (samples[b.name] as number[]).push(timed({ argv: argv(b.binary), cwd: tree.dir }));
          moveCatalog(dataDir, b.slot, "slot");
        }
      }
      const [b, a] = [summarize(samples.before as number[]), summarize(samples.after as number[])];
      progress(`${treeLabel(records)} ${c.label}: before ${formatMs(b.median)}, after ${formatMs(a.median)}`);
      rows.push([
        treeLabel(records),
        c.label,
        formatMs(b.median),
        formatMs(a.median),
        `${(a.median / b.median).toFixed(2)}×`,
        c === CASES[0] ? formatMs(firstAfter) : "",
      ]);
    }
  }
  console.log(
    `data query over content, before = ${before}, after = ${after}; medians of ${runs} alternating runs, ${availableParallelism()} CPUs, load ${loadavg()[0]?.toFixed(2)}`,
  );
  console.log(
    table(
      ["records", "predicate", "before", "after", "after/before", "after, first run"],
      rows,
      new Set([2, 3, 4, 5]),
    ),
  );
  console.log(
    "after, first run: the first content query on a catalog just backfilled from the data, which reads each record once and keeps it (the later cases find it kept).",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
