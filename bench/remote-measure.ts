// How the remote benchmark runs a client: a hermetic environment, one run at a time with the
// proxy's count reset first, and a check that the run moved the files it should have.
import type { CountingProxy } from "../uat/support/counting-proxy.ts";
import { type Command, cleanEnv, runChild } from "./measure.ts";
import type { Measured } from "./remote-report.ts";

/** Runs with at most this many requests keep the list of them. */
const LOGGED_REQUESTS = 12;

/** cleanEnv without any AWS_* or RCLONE_* setting of the caller's (profile, CA bundle, endpoint). */
export const hermeticEnv: Record<string, string> = Object.fromEntries(
  Object.entries(cleanEnv).filter(([key]) => !key.startsWith("AWS_") && !key.startsWith("RCLONE_")),
);

/** Runs one command with the proxy's count reset first; returns what it cost and its stdout. */
export async function counted(
  proxy: CountingProxy,
  command: Command,
): Promise<{ measured: Measured; stdout: string }> {
  proxy.reset();
  const run = await runChild(command);
  const seen = proxy.requests();
  const byMethod: Record<string, number> = {};
  for (const request of seen) byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
  const measured: Measured = { wallMs: run.ms, cpuMs: run.cpuMs, requests: seen.length, byMethod };
  if (seen.length <= LOGGED_REQUESTS) measured.log = seen.map((r) => `${r.method} ${r.path}`);
  return { measured, stdout: run.stdout };
}

/** A benchmark that moved the wrong number of files measured the wrong thing. */
export function expectCount(what: string, actual: unknown, expected: number): void {
  if (actual !== expected) throw new Error(`${what} moved ${String(actual)} files, expected ${expected}.`);
}
