import type { CheckName, Finding } from "./finding.ts";
import { DOCTOR_COMMAND } from "./fix-commands.ts";

/**
 * A check that could not finish (the store unreachable, the deadline reached) is a problem of its
 * own: doctor cannot call healthy what it could not look at.
 */
export function checkFailedFinding(check: CheckName, reason: string, timeoutSeconds: number | null): Finding {
  const why = timeoutSeconds === null ? reason : `it did not finish within ${timeoutSeconds} s (${reason})`;
  return {
    code: "check_failed",
    subject: check,
    problem: true,
    message: `could not check the ${check}: ${why}.`,
    fix: timeoutSeconds === null ? DOCTOR_COMMAND : `${DOCTOR_COMMAND} --timeout ${timeoutSeconds * 4}`,
  };
}
