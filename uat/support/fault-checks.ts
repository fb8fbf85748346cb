import { join } from "node:path";
import { type AckedWrite, dataViolations, reusedContentViolations, type View } from "./convergence-check.ts";
import { doctorProblem } from "./doctor.ts";
import { type Lane, RUN, runIn } from "./fault-lane.ts";
import type { FaultedRun } from "./fault-run.ts";
import { bucketData, cacheDir, heldLeases } from "./remote-repo.ts";
import type { PutDoc, SyncDoc } from "./shapes.ts";
import { describeRun, type Repo, type RunResult } from "./swamp.ts";
import { snapshotTree } from "./tree.ts";
import { cacheData } from "./version-files.ts";

/** The invariants, as the table counts them. */
export const CHECKS = {
  hung: "command hung",
  ack: "exit 0 without a result",
  next: "next command failed",
  released: "lease kept on the way out",
  temp: "temp files left",
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

/**
 * A command that ended on its own (not killed) released its leases on the way out, failed or
 * not: `ds lock status` at once, before any other command could take them over.
 */
export async function releasedViolations(lane: Lane): Promise<Violation[]> {
  const held = await heldLeasesOf(lane.remote.repo);
  return held.length > 0 ? [{ check: CHECKS.released, detail: held.join("\n") }] : [];
}

const heldLeasesOf = (repo: Repo) =>
  heldLeases(repo).catch((error: Error) => [`ds lock status failed: ${error.message}`]);

/** Temp files and dirs (`*.tmp`) in the repo or its cache: what an interrupted command left. */
function tempViolations(repo: Repo): Violation[] {
  const temps = [repo.dir, cacheDir(repo)].flatMap((base) =>
    Object.keys(snapshotTree(base, ["."]))
      .filter((rel) => /\.tmp\/?$/.test(rel))
      .map((rel) => join(base, rel)),
  );
  return temps.length > 0 ? [{ check: CHECKS.temp, detail: temps.join("\n") }] : [];
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
 * works and leaves no temp file; then `ds lock status` shows no lease held and `swamp doctor` reports healthy; the
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
  violations.push(...tempViolations(repo));
  // Both only read: side by side.
  const [held, doctor] = await Promise.all([heldLeasesOf(repo), doctorProblem(repo, RUN)]);
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
