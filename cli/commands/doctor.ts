import { isHealthy } from "../../core/doctor/finding.ts";
import { gracePeriodMs } from "../../core/doctor/grace-period.ts";
import { planRepairs } from "../../core/doctor/repair-plan.ts";
import { ExitCode, SwampError } from "../../core/errors.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import { DoctorChecks } from "../doctor/doctor-checks.ts";
import { applyRepairs } from "../doctor/doctor-repairs.ts";
import { doctorDoc, doctorText, nextStep, noteLines, previewOutcomes } from "../doctor/doctor-report.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

interface Opts {
  repair?: boolean;
  yes?: boolean;
  /** Seconds for the whole run, checks and repairs (commander's default: 60). */
  timeout: string;
}

/**
 * Checks leases, the index against the store, the cache against the index and the catalog against
 * the data; with `--repair` shows the repairs it would apply, with `--repair -y` applies them and
 * checks again (docs/architecture.md, "Doctor"). Exit 0 when healthy (at the end), 1 otherwise.
 */
export async function run(inv: Invocation<Opts>): Promise<void> {
  if (inv.opts.yes && !inv.opts.repair) {
    throw new SwampError(
      "usage",
      "-y applies repairs and needs --repair: run 'swamp doctor --repair' to see them, then 'swamp doctor --repair -y' to apply them.",
    );
  }
  const seconds = parseTimeoutFlag(inv.opts.timeout);
  const deadline = { signal: AbortSignal.any([inv.signal, AbortSignal.timeout(seconds * 1000)]), seconds };
  const ctx = await openRepo(inv);
  const store = (await ctx.store()).description;
  const graceMs = gracePeriodMs(ctx.env);
  const checks = new DoctorChecks(ctx, deadline, graceMs);
  let reports = await checks.run();
  const planned = planRepairs(reports);
  const mode = !inv.opts.repair ? "check" : inv.opts.yes ? "apply" : "preview";
  let repairs = mode === "preview" ? previewOutcomes(planned) : [];
  if (mode === "apply" && planned.length > 0) {
    repairs = await applyRepairs(ctx, checks, planned, deadline.signal);
    reports = await new DoctorChecks(ctx, deadline, graceMs).run();
  }
  const doc = doctorDoc(store, reports, repairs);
  inv.out.result(doc, () => doctorText(doc, mode === "preview"));
  for (const line of noteLines(doc)) inv.out.info(line);
  const next = nextStep(doc, mode, planned.length);
  if (next !== null) inv.out.info(next);
  if (!isHealthy(reports)) process.exitCode = ExitCode.error;
}
