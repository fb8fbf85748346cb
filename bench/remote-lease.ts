// Lease acquire + release against the bucket: medians of bench/lease-loop.ts's in-process samples.
import { join } from "node:path";
import type { LeaseSample } from "./lease-loop.ts";
import { runChild, summarize } from "./measure.ts";
import { hermeticEnv } from "./remote-measure.ts";
import type { LeaseResult } from "./remote-report.ts";

export async function benchLease(
  endpoint: string,
  bucket: string,
  prefix: string,
  runs: number,
): Promise<LeaseResult> {
  const loop = join(import.meta.dir, "lease-loop.ts");
  const run = await runChild({
    argv: [process.execPath, loop, endpoint, bucket, prefix, String(runs)],
    cwd: import.meta.dir,
    env: hermeticEnv,
  });
  const samples = JSON.parse(run.stdout) as LeaseSample[];
  const median = (pick: (s: LeaseSample) => number) => summarize(samples.map(pick)).median;
  return {
    runs: samples.length,
    wallMs: median((s) => s.wallMs),
    cpuMs: median((s) => s.cpuMs),
    requests: median((s) => s.requests),
  };
}
