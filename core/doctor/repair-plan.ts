import type { CheckReport, RepairAction, RepairCode } from "./finding.ts";

/** One repair `--repair` previews and `--repair -y` applies. */
export interface PlannedRepair {
  code: RepairCode;
  subject: string;
  action: RepairAction;
}

/**
 * The repairs for the problems found, in the order of the checks: one per problem doctor can fix
 * itself, except the catalog, which one rebuild fixes whole.
 */
export function planRepairs(reports: readonly CheckReport[]): PlannedRepair[] {
  const planned: PlannedRepair[] = [];
  for (const report of reports) {
    for (const finding of report.findings) {
      const action = finding.repair;
      if (!finding.problem || action === undefined) continue;
      if (action.kind === "rebuild_catalog") {
        if (!planned.some((p) => p.code === "rebuild_catalog"))
          planned.push({ code: action.kind, subject: "catalog", action });
        continue;
      }
      planned.push({ code: action.kind, subject: finding.subject, action });
    }
  }
  return planned;
}
