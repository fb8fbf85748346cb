import { type AckedWrite, dataViolations, reusedContentViolations, type View } from "./convergence-check.ts";
import { doctorProblem } from "./doctor.ts";
import { type Lane, RUN, runIn } from "./fault-lane.ts";
import type { FaultedRun } from "./fault-run.ts";
import { bucketData, heldLeases } from "./remote-repo.ts";
import type { PutDoc, SyncDoc } from "./shapes.ts";
import { describeRun, type RunResult } from "./swamp.ts";
import { cacheData } from "./version-files.ts";

/** The invariants, as the table counts them. */
export const CHECKS = {
  hung: "command hung",
  ack: "exit 0 without a result",
  next: "next command failed",
  lease: "lease left held",
  doctor: "doctor not healthy",
  checker: "checker sync failed",
  data: "write lost or diverged",
  reused: "content at two versions",
  hostile: "hostile key not reported",
  harness: "harness error",
} as const;
export type Check = (typeof CHECKS)[keyof typeof CHECKS];

export interface Violation {
  check: Check;
  detail: string;
}

const SYNC = ["datastore", "sync", "--json"];

/** `ds sync --json` pushed something (or said nothing readable: then sync once more, to be sure). */
function pushedAny(r: RunResult): boolean {
  try {
    return (r.json<SyncDoc>().filesPushed ?? 0) > 0;
  } catch {
    return true;
  }
}

/** A command that outlived the hard limit ignored its deadlines. */
export function hungViolations(run: FaultedRun): Violation[] {
  return run.result.timedOut ? [{ check: CHECKS.hung, detail: describeRun(run.result) }] : [];
}

/**
 * Records a `data put` that exited 0 as acknowledged (with the version it reported) in `lane`,
 * by `clone` (0: the repo under test, 1: the checker). `value` was written either way.
 */
export function recordPut(
  lane: Lane,
  clone: number,
  seq: number,
  name: string,
  value: string,
  result: RunResult,
): Violation[] {
  lane.written.push(value);
  if (result.code !== 0 || result.timedOut) return [];
  let doc: PutDoc | undefined;
  try {
    doc = result.json<PutDoc>();
  } catch {
    // reported below
  }
  if (doc === undefined || !Number.isSafeInteger(doc.version))
    return [{ check: CHECKS.ack, detail: `no version reported.\n${describeRun(result)}` }];
  const write: AckedWrite = { clone, seq, name, value, version: doc.version };
  lane.acked.push(write);
  return [];
}

/**
 * What must hold after a trial, checked in this order: the repo's next command (`ds sync`)
 * works; then `ds lock status` shows no lease held and `swamp doctor` reports healthy; the
 * checker syncs; then every acknowledged write is at its version with its bytes in the bucket
 * (read with the vendor's SDK), the repo and the checker, no version has two contents, both
 * repos agree, and no value is at two versions in them.
 */
export async function laneViolations(lane: Lane): Promise<Violation[]> {
  const { repo, bucket, prefix } = lane.remote;
  const violations: Violation[] = [];
  const failed = (check: Check, r: RunResult) => {
    if (r.code !== 0 || r.timedOut) violations.push({ check, detail: describeRun(r) });
    return r.code !== 0 || r.timedOut;
  };
  failed(CHECKS.next, await runIn(repo, SYNC));
  // Both only read: side by side.
  const [held, doctor] = await Promise.all([
    heldLeases(repo).catch((error: Error) => [`ds lock status failed: ${error.message}`]),
    doctorProblem(repo, RUN),
  ]);
  if (held.length > 0) violations.push({ check: CHECKS.lease, detail: held.join("\n") });
  if (doctor !== null) violations.push({ check: CHECKS.doctor, detail: doctor });
  const checked = await runIn(lane.checker, SYNC);
  // What the checker pushed (a put of its own that failed to) reaches the repo too.
  if (!failed(CHECKS.checker, checked) && pushedAny(checked)) failed(CHECKS.next, await runIn(repo, SYNC));

  const views: View[] = [
    { label: "the bucket", files: await bucketData(bucket, prefix) },
    { label: "the repo under test", files: cacheData(repo) },
    { label: "the checker", files: cacheData(lane.checker) },
  ];
  const [inBucket, ...repos] = views as [View, ...View[]];
  for (const detail of dataViolations(lane.modelId, lane.acked, inBucket, repos))
    violations.push({ check: CHECKS.data, detail });
  // In the repos, which follow the index (the bucket may keep a claim its writer renumbered).
  for (const detail of reusedContentViolations(lane.written, repos))
    violations.push({ check: CHECKS.reused, detail });
  return violations;
}
