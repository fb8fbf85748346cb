// Times whole runs of the compiled binary. Wall time of a spawned process, as a user sees it.

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** One invocation of the binary. */
export interface Command {
  argv: string[];
  cwd: string;
  /** The whole environment of the child; `cleanEnv` when absent. */
  env?: Record<string, string>;
}

export interface Captured {
  ms: number;
  stdout: string;
}

export function summarize(samples: number[]): Stats {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: samples.length };
}

/** The caller's environment without SWAMP_* settings, so a developer's shell cannot skew the numbers. */
export const cleanEnv: Record<string, string> = Object.fromEntries([
  ...Object.entries(process.env).filter(
    (entry): entry is [string, string] => !entry[0].startsWith("SWAMP_") && entry[1] !== undefined,
  ),
  ["NO_COLOR", "1"],
]);

function spawn(command: Command, keepStdout: boolean): { ms: number; stdout: string } {
  const started = performance.now();
  const result = Bun.spawnSync(command.argv, {
    cwd: command.cwd,
    env: command.env ?? cleanEnv,
    stdout: keepStdout ? "pipe" : "ignore",
    stderr: "pipe",
  });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) {
    throw new Error(
      `'${command.argv.join(" ")}' exited ${result.exitCode} in ${command.cwd}:\n${result.stderr.toString()}`,
    );
  }
  return { ms, stdout: result.stdout?.toString() ?? "" };
}

/** Runs once and returns the output, e.g. to check a result count; also serves as a warm-up. */
export function capture(command: Command): Captured {
  return spawn(command, true);
}

/**
 * Times `runs` invocations; `command(i)` may vary per run (e.g. a fresh data name) and `prepare(i)`
 * runs untimed before each one. Stdout goes to /dev/null: what a consumer does with it is not ours.
 */
export function timeRuns(
  runs: number,
  command: (i: number) => Command,
  prepare?: (i: number) => void,
): Stats {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    prepare?.(i);
    samples.push(spawn(command(i), false).ms);
  }
  return summarize(samples);
}

/** One run of a child with what it cost: wall time, and the CPU time the child itself used. */
export interface ChildRun extends Captured {
  /** User + system CPU time of the child, in milliseconds. */
  cpuMs: number;
  userMs: number;
  systemMs: number;
}

/**
 * Runs a child without blocking this process's event loop (a server or proxy in this process
 * keeps answering it) and reports wall and CPU time. Throws when it exits non-zero.
 */
export async function runChild(command: Command): Promise<ChildRun> {
  const started = performance.now();
  const proc = Bun.spawn(command.argv, {
    cwd: command.cwd,
    env: command.env ?? cleanEnv,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`'${command.argv.join(" ")}' exited ${code} in ${command.cwd}:\n${stderr}`);
  const usage = proc.resourceUsage();
  const userMs = Number(usage?.cpuTime.user ?? 0n) / 1000;
  const systemMs = Number(usage?.cpuTime.system ?? 0n) / 1000;
  return { ms, stdout, cpuMs: userMs + systemMs, userMs, systemMs };
}
