// The remote benchmark's results beside rclone's and the raw SDK limit's, as ratios, with the issue's aims.
import { summarize } from "./measure.ts";
import { formatMs, table } from "./report.ts";

/** One timed run of a client through the counting proxy. */
export interface Measured {
  wallMs: number;
  /** User + system CPU of the client process. */
  cpuMs: number;
  /** Requests that reached the server. */
  requests: number;
  /** Requests per HTTP method, e.g. `{PUT: 2000, GET: 3}`. */
  byMethod: Record<string, number>;
  /** Each request (`METHOD path`) when there are few: what a fast path really asked. */
  log?: string[];
}

export interface LeaseResult {
  runs: number;
  wallMs: number;
  cpuMs: number;
  /** Requests of one acquire + release. */
  requests: number;
}

export type Operation = "push" | "pull" | "zeroDiff" | "zeroDiffPull";

/** The raw SDK limit does the transfers only: nothing to compare on a sync with nothing to do. */
export type LimitOperation = "push" | "pull";

export interface RemoteReport {
  binary: string;
  binaryBuiltAt: string;
  swampVersion: string;
  rcloneVersion?: string;
  cpus: number;
  loadAverage: { start: number; end: number };
  files: number;
  bytes: number;
  rcloneFlags: string[];
  /** Rounds of every client; each figure is the median over them. */
  rounds: number;
  /** swamp's transfer concurrency, which the raw SDK limit uses too. */
  concurrency: { push: number; pull: number };
  swamp: Record<Operation, Measured>;
  /** Absent when rclone is not installed. */
  rclone?: Record<Operation, Measured>;
  /** The same transfers through the SDK's signer and HTTP handler, no sync logic (bench/remote-raw.ts). */
  limit: Record<LimitOperation, Measured>;
  lease: LeaseResult;
}

/** The median run of each measure apart; the request breakdown is the run with the median count. */
export function medianRun(runs: Measured[]): Measured {
  const median = (pick: (m: Measured) => number) => summarize(runs.map(pick)).median;
  const byRequests = [...runs].sort((a, b) => a.requests - b.requests);
  const middle = byRequests[Math.floor((byRequests.length - 1) / 2)];
  if (!middle) throw new Error("no runs to take the median of");
  return {
    ...middle,
    wallMs: median((m) => m.wallMs),
    cpuMs: median((m) => m.cpuMs),
    requests: median((m) => m.requests),
  };
}

/** The issue's aims, as ratios to the peers measured in the same run; zero-diff in requests. */
export const AIMS = {
  cpuVsRclone: { push: 1.0, pull: 0.8 },
  wallVsRclone: { push: 0.6, pull: 1.0 },
  wallVsLimit: { pull: 1.05 },
  zeroDiffRequests: 1,
};

export interface Verdict {
  aim: string;
  ratio: number;
  met: boolean;
}

const ratioOf = (a: number, b: number) => (b === 0 ? Number.NaN : a / b);

export function verdicts(report: RemoteReport): Verdict[] {
  const out: Verdict[] = [];
  const { rclone, swamp, limit } = report;
  const aim = (text: string, ratio: number, bound: number) =>
    out.push({ aim: text, ratio, met: ratio <= bound });
  if (rclone) {
    for (const op of ["push", "pull"] as const) {
      const cpu = AIMS.cpuVsRclone[op];
      const wall = AIMS.wallVsRclone[op];
      aim(`${op}: client CPU ≤ ${cpu}× rclone`, ratioOf(swamp[op].cpuMs, rclone[op].cpuMs), cpu);
      aim(`${op}: wall ≤ ${wall}× rclone`, ratioOf(swamp[op].wallMs, rclone[op].wallMs), wall);
    }
  }
  const bound = AIMS.wallVsLimit.pull;
  aim(`pull: wall ≤ ${bound}× the raw SDK limit`, ratioOf(swamp.pull.wallMs, limit.pull.wallMs), bound);
  for (const [key, label] of [
    ["zeroDiff", "ds sync"],
    ["zeroDiffPull", "ds sync --pull"],
  ] as const) {
    const n = AIMS.zeroDiffRequests;
    aim(`zero-diff ${label}: ≤ ${n} request`, swamp[key].requests, n);
  }
  return out;
}

const methods = (m: Measured) =>
  Object.entries(m.byMethod)
    .sort(([, a], [, b]) => b - a)
    .map(([method, n]) => `${method} ${n}`)
    .join(", ");

const times = (a: number, b: number | undefined) =>
  b === undefined || b === 0 ? "" : `${(a / b).toFixed(2)}×`;

export function renderRemoteReport(report: RemoteReport): string {
  const { swamp, rclone, limit, files } = report;
  const labels: Record<Operation, string> = {
    push: `push ${files} files`,
    pull: `pull ${files} files (fresh clone)`,
    zeroDiff: "push, nothing changed",
    zeroDiffPull: "pull, nothing changed",
  };
  const measures = [
    ["wall", (m: Measured) => m.wallMs, formatMs],
    ["CPU", (m: Measured) => m.cpuMs, formatMs],
    ["requests", (m: Measured) => m.requests, (n: number) => String(n)],
  ] as const;
  const rows: string[][] = [];
  for (const op of ["push", "pull", "zeroDiff", "zeroDiffPull"] as const) {
    const peer = rclone?.[op];
    const sdk = op === "push" || op === "pull" ? limit[op] : undefined;
    measures.forEach(([name, pick, format], i) => {
      const own = pick(swamp[op]);
      rows.push([
        i === 0 ? labels[op] : "",
        name,
        format(own),
        peer ? format(pick(peer)) : "",
        sdk ? format(pick(sdk)) : "",
        times(own, peer && pick(peer)),
        times(own, sdk && pick(sdk)),
      ]);
    });
  }
  const header = ["operation", "measure", "swamp", "rclone", "SDK limit", "swamp/rclone", "swamp/limit"];
  const breakdown = (who: string, runs: Partial<Record<Operation, Measured>> | undefined) =>
    (["push", "pull", "zeroDiff", "zeroDiffPull"] as const).flatMap((op) => {
      const m = runs?.[op];
      return m
        ? [`  ${who} ${labels[op]}: ${methods(m)}`, ...(m.log ?? []).map((line) => `    ${line}`)]
        : [];
    });
  const checks = verdicts(report);
  const missed = checks.filter((v) => !v.met).length;
  const { lease } = report;
  return [
    `swamp remote benchmark: ${report.binary} (${report.swampVersion}) built ${report.binaryBuiltAt}`,
    `peers: ${rclone ? `rclone ${report.rcloneVersion} sync ${report.rcloneFlags.join(" ")}` : "rclone not installed (apt-get install -y rclone)"}; ` +
      `the raw SDK limit (SDK signer + node-http-handler, same transfers, ${report.concurrency.push} PUTs / ${report.concurrency.pull} GETs in flight, no sync logic)`,
    `data: ${files} files, ${report.bytes} bytes; server: moto on loopback behind a counting proxy (every client alike)`,
    `machine: ${report.cpus} CPUs, load average ${report.loadAverage.start.toFixed(2)} at start, ${report.loadAverage.end.toFixed(2)} at end`,
    `medians of ${report.rounds} round${report.rounds === 1 ? "" : "s"}, clients in turn (the first client rotates each round); CPU is user + system of the client process`,
    "",
    table(header, rows, new Set([2, 3, 4, 5, 6])),
    "",
    `lease acquire + release (median of ${lease.runs}): ${formatMs(lease.wallMs)} wall, ${formatMs(lease.cpuMs)} CPU, ${lease.requests} requests`,
    "",
    "requests by method (the run with the median count):",
    ...breakdown("swamp", swamp),
    ...breakdown("rclone", rclone),
    ...breakdown("SDK limit", limit),
    "",
    "aims (ratios in one run):",
    ...checks.map(
      (v) =>
        `  ${v.met ? "✓" : "✗"} ${v.aim}: ${Number.isInteger(v.ratio) ? v.ratio : `${v.ratio.toFixed(2)}×`}`,
    ),
    "",
    `${checks.length - missed} aim(s) met, ${missed} missed (aims, not failures).`,
  ].join("\n");
}
