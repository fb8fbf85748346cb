import type { Check, Violation } from "./fault-checks.ts";
import type { RemoteKind } from "./remote.ts";

/** One trial: which scenario and backend, whether its fault landed and where, what it broke. */
export interface TrialRecord {
  scenario: string;
  kind: RemoteKind;
  seq: number;
  landed: boolean;
  at: number | null;
  /** The fault and where it landed, in words. */
  note: string;
  /** The request the command was at when the fault hit. */
  phase: string | null;
  violations: Violation[];
}

/** The trials of the whole suite, and the time each scenario took, for the table at the end. */
export class Tally {
  readonly trials: TrialRecord[] = [];
  readonly #scenarios = new Map<string, { planned: number; ms: number }>();

  add(record: TrialRecord): void {
    this.trials.push(record);
  }

  scenarioDone(scenario: string, planned: number, ms: number): void {
    this.#scenarios.set(scenario, { planned, ms });
  }

  of(scenario: string): TrialRecord[] {
    return this.trials.filter((t) => t.scenario === scenario);
  }

  /** A table: one row per scenario, then the totals. */
  table(): string {
    const header = [
      "scenario",
      "trials",
      "s3",
      "gcs",
      "landed",
      "aimed at (bytes)",
      "s",
      "violations",
      "by check",
    ];
    const rows = [...this.#scenarios].map(([scenario, { planned, ms }]) => {
      const trials = this.of(scenario);
      const at = trials.flatMap((t) => (t.landed && t.at !== null ? [t.at] : []));
      return [
        scenario,
        trials.length === planned ? `${planned}` : `${trials.length}/${planned}`,
        `${trials.filter((t) => t.kind === "s3").length}`,
        `${trials.filter((t) => t.kind === "gcs").length}`,
        `${trials.filter((t) => t.landed).length}`,
        at.length > 0 ? `${Math.min(...at)}-${Math.max(...at)}` : "-",
        (ms / 1000).toFixed(1),
        `${count(trials)}`,
        byCheck(trials),
      ];
    });
    rows.push([
      "total",
      `${this.trials.length}`,
      `${this.trials.filter((t) => t.kind === "s3").length}`,
      `${this.trials.filter((t) => t.kind === "gcs").length}`,
      `${this.trials.filter((t) => t.landed).length}`,
      "",
      ([...this.#scenarios.values()].reduce((sum, s) => sum + s.ms, 0) / 1000).toFixed(1),
      `${count(this.trials)}`,
      byCheck(this.trials),
    ]);
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? "").length)));
    return [header, ...rows]
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd(),
      )
      .join("\n");
  }

  /** Per scenario, the requests the commands were at when their faults hit, most often first. */
  phases(): string {
    const lines = [...this.#scenarios.keys()].flatMap((scenario) => {
      const counts = new Map<string, number>();
      for (const t of this.of(scenario)) if (t.phase) counts.set(t.phase, (counts.get(t.phase) ?? 0) + 1);
      if (counts.size === 0) return [];
      const list = [...counts].sort((a, b) => b[1] - a[1]).map(([phase, n]) => `${phase} ×${n}`);
      return [`  ${scenario}: ${list.join(", ")}`];
    });
    return lines.length > 0 ? `where the faults hit (the request under way):\n${lines.join("\n")}` : "";
  }

  /** One line per backend: its trials and violations, with the seed that replays them. */
  backendLine(kind: RemoteKind, seed: number, variable: string): string {
    const trials = this.trials.filter((t) => t.kind === kind);
    return `faults: backend=${kind} seed=${seed} trials=${trials.length} landed=${trials.filter((t) => t.landed).length} violations=${count(trials)} (replay with ${variable}=${seed})`;
  }
}

const count = (trials: TrialRecord[]) => trials.reduce((sum, t) => sum + t.violations.length, 0);

/** `check ×n` for each check that failed, most first; `-` when none. */
function byCheck(trials: TrialRecord[]): string {
  const counts = new Map<Check, number>();
  for (const t of trials) for (const v of t.violations) counts.set(v.check, (counts.get(v.check) ?? 0) + 1);
  if (counts.size === 0) return "-";
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([check, n]) => `${check} ×${n}`)
    .join(", ");
}
