/**
 * What `swamp doctor` reports (docs/architecture.md, "Doctor"): per check, findings that are
 * problems or only information, each saying what was found, what it means and which command
 * fixes it; and, for the problems doctor can fix itself, the repair `--repair -y` applies.
 */

/** The checks, in the order they run and are reported. */
export type CheckName = "leases" | "index" | "cache" | "leftovers" | "namespaces" | "catalog";

/**
 * A repair doctor applies itself. Each names exactly what was inspected (a lease's nonce, an
 * object's version), so it never touches something that changed since.
 */
export type RepairAction =
  | { kind: "release_lease"; key: string; nonce: string }
  | { kind: "delete_orphan"; key: string; version: string }
  | { kind: "delete_shard"; key: string; version: string }
  | { kind: "repull_file"; rel: string }
  | { kind: "delete_leftover"; path: string }
  | { kind: "rebuild_catalog" };

export type RepairCode = RepairAction["kind"];

export interface Finding {
  /** Stable, machine-readable: what kind of finding this is. */
  code: string;
  /** What it is about: a lease key, an object key, a cache path, a catalog row. */
  subject: string;
  /** False for information (a live lease, pending changes): normal, nothing to fix. */
  problem: boolean;
  /** What was found and what it means. */
  message: string;
  /** The command that fixes it (or shows more, for information). */
  fix: string;
  /** What `--repair -y` does about it; absent when only another command can fix it. */
  repair?: RepairAction;
}

export interface CheckReport {
  check: CheckName;
  /** No problem found (information may be). */
  ok: boolean;
  findings: Finding[];
}

export function checkReport(check: CheckName, findings: Finding[]): CheckReport {
  return { check, ok: findings.every((f) => !f.problem), findings };
}

export function isHealthy(reports: readonly CheckReport[]): boolean {
  return reports.every((r) => r.ok);
}
