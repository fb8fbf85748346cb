// The benchmark's output: a table for people, one JSON document for notes and comparisons.
import type { Stats } from "./measure.ts";

export interface BenchResult {
  /** Stable key, e.g. `query.pushdown.100k`. */
  id: string;
  label: string;
  /** Bulk records in the tree it ran on; absent when it needs no data. */
  records?: number;
  stats: Stats;
  /** Records (or results) the command returned, as a sanity check of what was measured. */
  results?: number;
  /** The issue's aim in milliseconds; informative only, never a failure. */
  targetMs?: number;
  method: "spawn";
  note?: string;
}

export interface SeedTiming {
  records: number;
  modelSeconds: number;
  recordSeconds: number;
}

export interface BenchReport {
  binary: string;
  binaryBuiltAt: string;
  bun: string;
  cpus: number;
  /** 1-minute load average before and after: the numbers mean little on a busy machine. */
  loadAverage: { start: number; end: number };
  quick: boolean;
  seeding: SeedTiming[];
  results: BenchResult[];
}

export const treeLabel = (records: number) =>
  records >= 1000 && records % 1000 === 0 ? `${records / 1000}k` : String(records);

export const formatMs = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;

export const meetsTarget = (r: BenchResult) => r.targetMs === undefined || r.stats.median <= r.targetMs;

function targetCell(r: BenchResult): string {
  if (r.targetMs === undefined) return "";
  return `${meetsTarget(r) ? "✓" : "✗"} ≤ ${formatMs(r.targetMs)}`;
}

export function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function renderReport(report: BenchReport): string {
  const seeding = report.seeding.map(
    (s) =>
      `seeded ${treeLabel(s.records)}: ${s.modelSeconds.toFixed(1)} s for the models (data put), ` +
      `${s.recordSeconds.toFixed(1)} s for the records (${Math.round(s.records / s.recordSeconds)}/s)`,
  );
  const rows = report.results.map((r) => [
    r.label,
    r.records === undefined ? "" : treeLabel(r.records),
    String(r.stats.runs),
    formatMs(r.stats.median),
    formatMs(r.stats.min),
    formatMs(r.stats.max),
    r.results === undefined ? "" : String(r.results),
    targetCell(r),
  ]);
  const header = ["benchmark", "tree", "runs", "median", "min", "max", "results", "target"];
  const notes = report.results
    .filter((r) => r.note !== undefined)
    .map((r) => `  ${r.label}${r.records === undefined ? "" : ` (${treeLabel(r.records)})`}: ${r.note}`);
  const missed = report.results.filter((r) => !meetsTarget(r)).length;
  return [
    `swamp benchmarks${report.quick ? " (--quick)" : ""}: ${report.binary} built ${report.binaryBuiltAt}, bun ${report.bun}`,
    `machine: ${report.cpus} CPUs, load average ${report.loadAverage.start.toFixed(2)} at start, ${report.loadAverage.end.toFixed(2)} at end`,
    ...seeding,
    "",
    table(header, rows, new Set([2, 3, 4, 5, 6])),
    ...(notes.length ? ["", "notes:", ...notes] : []),
    "",
    `${report.results.filter((r) => r.targetMs !== undefined).length - missed} target(s) met, ${missed} missed (targets are aims, not failures).`,
  ].join("\n");
}
