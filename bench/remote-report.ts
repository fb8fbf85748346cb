// The remote benchmark's results beside rclone's, with the issue's aims.
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

export type Operation = "push" | "pull" | "zeroDiff";

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
  swamp: Record<Operation, Measured> & { zeroDiffPull: Measured; lease: LeaseResult };
  /** Absent when rclone is not installed. */
  rclone?: Record<Operation, Measured>;
}

/** Aims from the issue: wall ≤ 0.7× rclone's, CPU ≤ rclone's; a zero-diff sync ≤ 1 request. */
export const AIM = { wallRatio: 0.7, cpuRatio: 1, zeroDiffRequests: 1 };

export interface Verdict {
  aim: string;
  met: boolean;
}

export function verdicts(report: RemoteReport): Verdict[] {
  const out: Verdict[] = [];
  const { rclone, swamp } = report;
  for (const op of ["push", "pull"] as const) {
    if (!rclone) continue;
    out.push({
      aim: `${op}: wall ≤ ${AIM.wallRatio}× rclone`,
      met: swamp[op].wallMs <= AIM.wallRatio * rclone[op].wallMs,
    });
    out.push({ aim: `${op}: client CPU ≤ rclone`, met: swamp[op].cpuMs <= AIM.cpuRatio * rclone[op].cpuMs });
  }
  for (const [key, label] of [
    ["zeroDiff", "ds sync"],
    ["zeroDiffPull", "ds sync --pull"],
  ] as const) {
    out.push({
      aim: `zero-diff ${label}: ≤ ${AIM.zeroDiffRequests} request`,
      met: swamp[key].requests <= AIM.zeroDiffRequests,
    });
  }
  return out;
}

const perFile = (requests: number, files: number) => (requests / files).toFixed(requests < files ? 4 : 2);

const methods = (m: Measured) =>
  Object.entries(m.byMethod)
    .sort(([, a], [, b]) => b - a)
    .map(([method, n]) => `${method} ${n}`)
    .join(", ");

export function renderRemoteReport(report: RemoteReport): string {
  const { swamp, rclone, files } = report;
  const labels: Record<Operation, string> = {
    push: `push ${files} files`,
    pull: `pull ${files} files (fresh clone)`,
    zeroDiff: "sync, nothing changed",
  };
  const runs: { label: string; who: string; m: Measured; versus?: Measured }[] = [];
  for (const op of ["push", "pull", "zeroDiff"] as const) {
    runs.push({ label: labels[op], who: "swamp", m: swamp[op], ...(rclone ? { versus: rclone[op] } : {}) });
    if (op === "zeroDiff") {
      const versus = rclone ? { versus: rclone[op] } : {};
      runs.push({ label: "pull, nothing changed", who: "swamp", m: swamp.zeroDiffPull, ...versus });
    }
    if (rclone) runs.push({ label: labels[op], who: "rclone", m: rclone[op] });
  }
  const rows = runs.map(({ label, who, m, versus }) => [
    label,
    who,
    formatMs(m.wallMs),
    formatMs(m.cpuMs),
    String(m.requests),
    perFile(m.requests, files),
    versus ? `${(m.wallMs / versus.wallMs).toFixed(2)}×` : "",
    versus ? `${(m.cpuMs / versus.cpuMs).toFixed(2)}×` : "",
  ]);
  const lease = swamp.lease;
  rows.push([
    `lease acquire + release (median of ${lease.runs})`,
    "swamp",
    formatMs(lease.wallMs),
    formatMs(lease.cpuMs),
    String(lease.requests),
    "",
    "",
    "",
  ]);
  const header = [
    "operation",
    "client",
    "wall",
    "CPU",
    "requests",
    "req/file",
    "wall vs rclone",
    "CPU vs rclone",
  ];
  const requestNotes = runs.flatMap(({ label, who, m }) => [
    `  ${who} ${label}: ${methods(m)}`,
    ...(m.log ?? []).map((line) => `    ${line}`),
  ]);
  const checks = verdicts(report);
  const missed = checks.filter((v) => !v.met).length;
  return [
    `swamp remote benchmark: ${report.binary} (${report.swampVersion}) built ${report.binaryBuiltAt}`,
    `peer: ${rclone ? `rclone ${report.rcloneVersion} sync ${report.rcloneFlags.join(" ")}` : "rclone not installed (apt-get install -y rclone): swamp's side only"}`,
    `data: ${files} files, ${report.bytes} bytes; server: moto on loopback behind a counting proxy (both clients alike)`,
    `machine: ${report.cpus} CPUs, load average ${report.loadAverage.start.toFixed(2)} at start, ${report.loadAverage.end.toFixed(2)} at end`,
    "",
    table(header, rows, new Set([2, 3, 4, 5, 6, 7])),
    "",
    "requests by method:",
    ...requestNotes,
    "",
    "aims:",
    ...checks.map((v) => `  ${v.met ? "✓" : "✗"} ${v.aim}`),
    "",
    `${checks.length - missed} aim(s) met, ${missed} missed (aims, not failures).`,
  ].join("\n");
}
