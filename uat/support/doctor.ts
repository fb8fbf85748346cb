import type { DoctorDoc } from "./shapes.ts";
import { describeRun, type Repo, type RunOptions } from "./swamp.ts";

/**
 * The self-check of issue 7: exits 0 printing `{"healthy": true, …}` when leases, index, cache
 * and catalog agree, and 1 with its findings otherwise. The one place the UAT invokes it.
 */
export const DOCTOR_ARGS: readonly string[] = ["doctor", "--json"];

/** Runs `swamp doctor --json` in `repo`: null when it reports healthy, else what it said. */
export async function doctorProblem(repo: Repo, options: RunOptions = {}): Promise<string | null> {
  const r = await repo.run([...DOCTOR_ARGS], options);
  let doc: DoctorDoc | undefined;
  try {
    doc = JSON.parse(r.stdout) as DoctorDoc;
  } catch {
    // empty or not JSON: not a healthy report
  }
  if (r.code === 0 && !r.timedOut && doc?.healthy === true) return null;
  const what = doc === undefined ? "no JSON report" : `healthy: ${JSON.stringify(doc.healthy)}`;
  return `swamp doctor does not report healthy (${what}).\n${describeRun(r)}`;
}
