import { isHealthy } from "../../core/doctor/finding.ts";
import { GRACE_PERIOD_ENV, GRACE_PERIOD_MS, gracePeriodMs } from "../../core/doctor/grace-period.ts";
import { planRepairs } from "../../core/doctor/repair-plan.ts";
import { ExitCode, SwampError } from "../../core/errors.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import { defineCommand, flag, type OptsOf, text } from "../command-spec.ts";
import { DoctorChecks } from "../doctor/doctor-checks.ts";
import { applyRepairs } from "../doctor/doctor-repairs.ts";
import { doctorDoc, doctorText, nextStep, noteLines, previewOutcomes } from "../doctor/doctor-report.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {
  repair: flag("--repair", "list the repairs doctor would apply (changes nothing without -y)"),
  yes: flag("-y, --yes", "with --repair: apply the repairs, then check again"),
  timeout: text("--timeout <seconds>", "give up after this many seconds, checks and repairs together", {
    default: "60",
  }),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description:
    "check leases, the index against the store, the cache against the index, namespaces (root data, misplaced objects) and the catalog against the data; --repair fixes what it safely can",
  arguments: [
    { syntax: "[scope]", description: "what to check (only the datastore for now)", choices: ["datastore"] },
  ],
  options,
  examples: [
    "swamp doctor",
    "swamp doctor --json | jq '.checks[] | select(.ok | not)'",
    "swamp doctor --repair",
    "swamp doctor --repair -y",
    "swamp doctor datastore --timeout 300",
  ],
  epilogue: `
Exit status: 0 when healthy, 1 when a problem remains. Objects, shards and temp files count as
left over only once older than ${GRACE_PERIOD_MS / 60_000} minutes (${GRACE_PERIOD_ENV} overrides it, in ms).
`,
  run,
});

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
