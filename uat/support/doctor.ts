import { Database } from "bun:sqlite";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { expectAll } from "./all-checks.ts";
import type { DoctorDoc, DoctorFinding } from "./shapes.ts";
import { describeRun, type Env, expectExit, type Repo, type RunOptions, type RunResult } from "./swamp.ts";

/** Leftovers count at once: the test servers stamp objects with their own clock, which a test cannot age. */
export const NO_GRACE: Env = { SWAMP_DOCTOR_GRACE_MS: "0" };

export interface DoctorRun {
  r: RunResult;
  doc: DoctorDoc;
}

/** `swamp doctor …args --json`, with `env` added. */
export async function doctor(repo: Repo, args: string[] = [], env: Env = {}): Promise<DoctorRun> {
  const r = await repo.run(["doctor", ...args, "--json"], { env });
  return { r, doc: r.json<DoctorDoc>() };
}

/** Every finding, with its check. */
export function findingsOf(doc: DoctorDoc): (DoctorFinding & { check: string })[] {
  return doc.checks.flatMap(({ check, findings }) => findings.map((f) => ({ ...f, check })));
}

/** Fails unless doctor exits 0 and reports healthy. */
export async function expectHealthy(repo: Repo, env: Env = {}): Promise<DoctorDoc> {
  const { r, doc } = await doctor(repo, [], env);
  if (r.code !== 0 || !doc.healthy) throw new Error(`expected a healthy datastore.\n${describeRun(r)}`);
  return doc;
}

/** Doctor exits 1 with a problem `code` whose fix names a swamp command; returns those findings. */
export async function expectFound(repo: Repo, code: string, env: Env = {}): Promise<DoctorFinding[]> {
  const { r, doc } = await doctor(repo, [], env);
  const found = findingsOf(doc).filter((f) => f.code === code && f.problem);
  if (r.code !== 1 || doc.healthy || found.length === 0 || !found.every((f) => /^swamp [a-z]/.test(f.fix)))
    throw new Error(
      `expected exit 1 and a problem ${code} whose fix names a swamp command.\n${describeRun(r)}`,
    );
  return found;
}

/**
 * The whole repair story of one problem: doctor finds it; `--repair` lists repairs, applies none
 * and leaves `state()` as it was (the problem still found); `--repair -y` applies every repair and
 * ends healthy (exit 0); the next doctor is healthy too.
 */
export async function expectRepaired(
  repo: Repo,
  code: string,
  state: () => unknown | Promise<unknown>,
  env: Env = {},
): Promise<void> {
  await expectFound(repo, code, env);
  const before = await state();
  const preview = await doctor(repo, ["--repair"], env);
  await expectAll(`swamp doctor --repair (a preview) with ${code}`, [
    () => expectExit(preview.r, 1),
    () => {
      const { repairs } = preview.doc;
      if (repairs.length === 0 || repairs.some((x) => x.applied))
        throw new Error(`expected repairs listed and none applied.\n${describeRun(preview.r)}`);
    },
    async () => {
      if (!Bun.deepEquals(await state(), before)) throw new Error("the preview changed the datastore");
    },
    () => expectFound(repo, code, env),
  ]);
  const applied = await doctor(repo, ["--repair", "-y"], env);
  if (applied.r.code !== 0 || !applied.doc.healthy || applied.doc.repairs.some((x) => !x.applied))
    throw new Error(
      `expected every repair applied and a healthy datastore after.\n${describeRun(applied.r)}`,
    );
  await expectHealthy(repo, env);
}

/** The catalog's rows as `type/model/name vN[*]` (* = latest), read as sqlite files are, without swamp. */
export function catalogRows(repo: Repo): string[] {
  const db = new Database(catalogPath(repo), { readonly: true });
  try {
    const rows = db
      .query("SELECT type_normalized, model_id, data_name, version, is_latest FROM catalog")
      .values() as [string, string, string, number, number][];
    return rows.map(([t, m, n, v, latest]) => `${t}/${m}/${n} v${v}${latest ? "*" : ""}`).sort();
  } finally {
    db.close();
  }
}

/** Runs `statements` on the repo's catalog, as a person with the sqlite3 shell would. */
export function editCatalog(repo: Repo, statements: string[]): void {
  const db = new Database(catalogPath(repo));
  try {
    for (const sql of statements) db.run(sql);
  } finally {
    db.close();
  }
}

/** Sets a file's or dir's mtime two hours back (past the grace period). */
export function ageTwoHours(path: string): void {
  const then = Date.now() / 1000 - 2 * 3600;
  utimesSync(path, then, then);
}

function catalogPath(repo: Repo): string {
  return join(repo.dir, ".swamp", "data", "_catalog.db");
}

/**
 * The self-check the fault-injection suite runs after every trial: exits 0 printing
 * `{"healthy": true, …}` when leases, index, cache and catalog agree. The one place it is invoked.
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
