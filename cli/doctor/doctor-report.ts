import { type CheckName, type CheckReport, type Finding, isHealthy } from "../../core/doctor/finding.ts";
import { REPAIR_COMMAND } from "../../core/doctor/fix-commands.ts";
import type { PlannedRepair } from "../../core/doctor/repair-plan.ts";
import type { RepairOutcome } from "./doctor-repairs.ts";

/** `swamp doctor --json`. */
export interface DoctorDoc {
  healthy: boolean;
  store: string;
  checks: { check: CheckName; ok: boolean; findings: Omit<Finding, "repair">[] }[];
  repairs: RepairOutcome[];
}

export function doctorDoc(
  store: string,
  reports: readonly CheckReport[],
  repairs: RepairOutcome[],
): DoctorDoc {
  return {
    healthy: isHealthy(reports),
    store,
    checks: reports.map(({ check, ok, findings }) => ({
      check,
      ok,
      findings: findings.map(({ code, subject, problem, message, fix }) => ({
        code,
        subject,
        problem,
        message,
        fix,
      })),
    })),
    repairs,
  };
}

/** The planned repairs as `--repair` (without -y) reports them: none applied. */
export function previewOutcomes(planned: readonly PlannedRepair[]): RepairOutcome[] {
  return planned.map(({ code, subject }) => ({ code, subject, applied: false }));
}

/**
 * The result for people: one line when healthy; otherwise one line per problem, each saying the
 * check, what was found, what it means and the command that fixes it. Repairs are listed as
 * `Would …` (a preview, after the problems), `Repaired: …` or `Not repaired: …` (before the result).
 */
export function doctorText(doc: DoctorDoc, preview: boolean): string {
  const repairs = doc.repairs.map((r) => {
    const what = describeRepair(r);
    if (preview) return `Would ${what}`;
    return r.applied ? `Repaired: ${what}` : `Not repaired: ${what}: ${r.error ?? "unknown error"}`;
  });
  const result = doc.healthy
    ? [`Datastore healthy: ${listed(doc.checks.map((c) => c.check))} agree (${doc.store})`]
    : doc.checks.flatMap(({ check, findings }) =>
        findings.filter((f) => f.problem).map((f) => `${check}: ${f.subject}: ${f.message} Fix: ${f.fix}`),
      );
  // A preview lists what it would do about the problems; applied repairs come before what remains.
  return (preview ? [...result, ...repairs] : [...repairs, ...result]).join("\n");
}

/** Findings that are information only: notes on stderr, so the result stays one line when healthy. */
export function noteLines(doc: DoctorDoc): string[] {
  return doc.checks.flatMap(({ check, findings }) =>
    findings.filter((f) => !f.problem).map((f) => `Note: ${check}: ${f.subject}: ${f.message} (${f.fix})`),
  );
}

/** What to do next, after the problems (stderr). */
export function nextStep(
  doc: DoctorDoc,
  mode: "check" | "preview" | "apply",
  repairable: number,
): string | null {
  if (doc.healthy) return null;
  const problems = doc.checks.reduce((n, c) => n + c.findings.filter((f) => f.problem).length, 0);
  if (mode === "preview") {
    return repairable > 0
      ? `Nothing was changed. Run '${REPAIR_COMMAND}' to apply the ${repairable} repair(s) above.`
      : "Nothing was changed: doctor cannot repair any of these itself; run the fix each line names.";
  }
  if (mode === "apply") return `${problems} problem(s) remain: run the fix each line names.`;
  return repairable > 0
    ? `${problems} problem(s). Run 'swamp doctor --repair' to see the ${repairable} repair(s) doctor can apply; the fix of each line names the command.`
    : `${problems} problem(s): run the fix each line names.`;
}

function describeRepair(r: RepairOutcome): string {
  switch (r.code) {
    case "release_lease":
      return `free the lease ${r.subject} (only while it carries the holder inspected)`;
    case "delete_orphan":
    case "delete_shard":
      return `delete ${r.subject} from the store (only while it is the version listed)`;
    case "repull_file":
      return `pull ${r.subject} again from the store`;
    case "delete_leftover":
      return `delete ${r.subject}`;
    case "rebuild_catalog":
      return "rebuild the catalog from the datastore";
  }
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
