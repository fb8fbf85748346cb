// Start-up of the compiled binary as a ratio to a compiled Bun hello-world built here with the
// same flags as build.ts, timed side by side (alternating, medians) on a small seeded repo.
// `bun bench/startup.ts [--runs N] [--against OTHER_BINARY] [--json]` runs it alone; bench/run.ts
// runs it first. It prints numbers and never fails because of time.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { capture, cleanEnv, type Stats, summarize } from "./measure.ts";
import { formatMs, table } from "./report.ts";

/** Runs per case; the issue asks for medians of at least 21. */
export const STARTUP_RUNS = 31;

/** The aims, as ratios to hello-world; informative only. */
const AIMS: Readonly<Record<string, number>> = { version: 1.2, get: 2, put: 2.5 };

interface Case {
  id: string;
  label: string;
  /** Writes run in a repo of their own: a read after a write would also pay its catalog's catch-up. */
  writes?: boolean;
  /** The arguments after the binary; `i` varies a put's content per run. */
  args: (i: number) => string[];
}

const MODEL = "vpc";
const CASES: readonly Case[] = [
  { id: "version", label: "--version", args: () => ["--version"] },
  { id: "get", label: `data get ${MODEL} main`, args: () => ["data", "get", MODEL, "main"] },
  {
    id: "put",
    writes: true,
    label: `data put ${MODEL} main --value …`,
    args: (i) => ["data", "put", MODEL, "main", "--value", JSON.stringify({ run: i })],
  },
  {
    id: "query",
    label: `data query 'modelName == "${MODEL}"'`,
    args: () => ["data", "query", `modelName == "${MODEL}"`],
  },
];

export interface StartupRow {
  id: string;
  label: string;
  /** The binary measured: "hello", or the path of a swamp binary. */
  binary: string;
  stats: Stats;
  /** Median over hello-world's median. */
  ratio: number;
  /** CPU time (user + system) of the process: steadier than wall time on a busy machine. */
  cpu: Stats;
  cpuRatio: number;
  aim?: number;
}

export interface StartupReport {
  runs: number;
  hello: Stats;
  helloCpu: Stats;
  rows: StartupRow[];
}

/** Compiles `console.log("hello")` into `dir` the way build.ts compiles swamp, and returns its path. */
export function buildHello(dir: string): string {
  const source = join(dir, "hello.ts");
  const outfile = join(dir, "hello");
  writeFileSync(source, 'console.log("hello");\n');
  const built = Bun.spawnSync(
    [
      process.execPath,
      "build",
      source,
      "--compile",
      "--minify",
      "--bytecode",
      "--format=esm",
      "--no-compile-autoload-dotenv",
      "--no-compile-autoload-bunfig",
      `--outfile=${outfile}`,
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  if (built.exitCode !== 0) throw new Error(`compiling hello-world failed: ${built.stderr.toString()}`);
  return outfile;
}

/** A repo with one model holding a few records, made through `binary` itself. */
function seedSmallRepo(binary: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => capture({ argv: [binary, ...args], cwd: dir });
  run("repo", "init");
  for (const name of ["main", "plan", "state"]) {
    run("data", "put", MODEL, name, "--model-type", "aws::ec2::vpc", "--value", '{"cidr":"10.0.0.0/16"}');
  }
}

interface Sample {
  ms: number;
  cpuMs: number;
}

function timeOnce(argv: string[], cwd: string): Sample {
  const started = performance.now();
  const result = Bun.spawnSync(argv, { cwd, env: cleanEnv, stdout: "pipe", stderr: "pipe" });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) {
    throw new Error(`'${argv.join(" ")}' exited ${result.exitCode} in ${cwd}:\n${result.stderr.toString()}`);
  }
  const cpu = result.resourceUsage.cpuTime;
  return { ms, cpuMs: Number(cpu.user + cpu.system) / 1000 };
}

/**
 * Times hello-world and every case for each binary, one round at a time (hello, then each case
 * of each binary), so that the machine's load drifts over all of them alike.
 */
export function benchStartup(binaries: readonly string[], work: string, runs = STARTUP_RUNS): StartupReport {
  const hello = buildHello(work);
  const repos = binaries.map((binary, b) => {
    const reads = join(work, `startup-reads-${b}`);
    const writes = join(work, `startup-writes-${b}`);
    seedSmallRepo(binary, reads);
    seedSmallRepo(binary, writes);
    return { reads, writes };
  });
  const helloSamples: Sample[] = [];
  const samples = binaries.map(() => CASES.map((): Sample[] => []));
  // One untimed round warms the page cache for every binary.
  for (let i = -1; i < runs; i++) {
    const sample = timeOnce([hello], work);
    if (i >= 0) helloSamples.push(sample);
    binaries.forEach((binary, b) => {
      CASES.forEach((c, k) => {
        const repo = repos[b];
        if (!repo) throw new Error(`no repo for ${binary}`);
        const taken = timeOnce([binary, ...c.args(i)], c.writes ? repo.writes : repo.reads);
        if (i >= 0) samples[b]?.[k]?.push(taken);
      });
    });
  }
  const helloStats = summarize(helloSamples.map((x) => x.ms));
  const helloCpu = summarize(helloSamples.map((x) => x.cpuMs));
  const rows = binaries.flatMap((binary, b) =>
    CASES.map((c, k): StartupRow => {
      const taken = samples[b]?.[k] ?? [];
      const stats = summarize(taken.map((x) => x.ms));
      const cpu = summarize(taken.map((x) => x.cpuMs));
      const aim = AIMS[c.id];
      return {
        id: c.id,
        label: c.label,
        binary,
        stats,
        ratio: stats.median / helloStats.median,
        cpu,
        cpuRatio: cpu.median / helloCpu.median,
        ...(aim !== undefined ? { aim } : {}),
      };
    }),
  );
  return { runs, hello: helloStats, helloCpu, rows };
}

export function renderStartup(report: StartupReport): string {
  const several = new Set(report.rows.map((r) => r.binary)).size > 1;
  const rows = [
    [
      "hello-world (compiled here)",
      ...(several ? [""] : []),
      formatMs(report.hello.median),
      "1.00×",
      "",
      formatMs(report.helloCpu.median),
      "1.00×",
    ],
    ...report.rows.map((r) => [
      `swamp ${r.label}`,
      ...(several ? [r.binary] : []),
      formatMs(r.stats.median),
      `${r.ratio.toFixed(2)}×`,
      r.aim === undefined ? "" : `${r.ratio <= r.aim ? "✓" : "✗"} ≤ ${r.aim}×`,
      formatMs(r.cpu.median),
      `${r.cpuRatio.toFixed(2)}×`,
    ]),
  ];
  const header = [
    "start-up",
    ...(several ? ["binary"] : []),
    "median",
    "vs hello",
    "aim",
    "cpu",
    "cpu vs hello",
  ];
  const first = several ? 2 : 1;
  const right = new Set([first, first + 1, first + 3, first + 4]);
  return [
    `start-up: medians of ${report.runs} alternating runs, small filesystem repos (puts in their own); the aims are wall-time ratios, not failures`,
    table(header, rows, right),
  ].join("\n");
}

if (import.meta.main) {
  const { existsSync, mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : process.argv[at + 1];
  };
  const binaries = [
    join(import.meta.dir, "..", "dist", "swamp"),
    ...(arg("--against") ? [arg("--against") as string] : []),
  ];
  const missing = binaries.find((b) => !existsSync(b));
  if (missing) {
    console.error(
      `No binary at ${missing}. Build it first with 'bun build.ts', then rerun 'bun bench/startup.ts'.`,
    );
    process.exit(1);
  }
  const work = mkdtempSync(join(tmpdir(), "swamp-startup-"));
  try {
    const report = benchStartup(binaries, work, Number(arg("--runs") ?? STARTUP_RUNS));
    console.log(process.argv.includes("--json") ? JSON.stringify(report, null, 2) : renderStartup(report));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
