import { join } from "node:path";
import { ackedWrites, dataViolations, latestViolations, type View } from "./convergence-check.ts";
import {
  DELETED_NAME,
  KEPT_NAMES,
  MODEL,
  type OpOutcome,
  runClone,
  syncUntilAgreed,
  TYPE,
} from "./convergence-ops.ts";
import { type FlakyProxy, startFlakyProxy } from "./flaky-proxy.ts";
import type { BucketClient, RemoteServer } from "./remote.ts";
import { bucketData, cacheDir, cloneVia, isNotData, put } from "./remote-repo.ts";
import { forkRandom } from "./seeded-random.ts";
import { describeRun, type Env, expectExit, makeRepo, type Repo } from "./swamp.ts";
import { sha256Hex, snapshotTree } from "./tree.ts";
import { parseVersionFile } from "./version-files.ts";

/** The bucket prefix every repo of a run shares. */
export const PREFIX = "p";

/** The clones of one namespace ("" is solo mode), and the ops they run together. */
export interface Team {
  namespace: string;
  clones: number;
  ops: number;
}

export interface RunOptions {
  seed: number;
  /** The chance that a new connection of a clone is reset part-way, while ops run. */
  resetChance: number;
  /** No op starts after this (ms since epoch). */
  deadline: number;
  env: Env;
  opTimeoutMs: number;
}

/** What one run did: every op's outcome, and what must not have happened. */
export interface RunResult {
  outcomes: OpOutcome[];
  acked: number;
  proxies: FlakyProxy[];
  violations: string[];
}

interface TeamClones {
  team: Team;
  origin: Repo;
  modelId: string;
  seed: { value: string; version: number };
  clones: Repo[];
  proxies: FlakyProxy[];
}

/** Where the namespace's data lives in a repo's cache and under the bucket prefix. */
const nsDir = (namespace: string) => (namespace ? `${namespace}/` : "");
const who = (namespace: string) => (namespace ? `${namespace}: ` : "");

/** Every data file in the cache of `repo` for `namespace` (version files and `latest` markers), path → SHA-256. */
export function namespaceCacheData(repo: Repo, namespace: string): Record<string, string> {
  const tree = snapshotTree(join(cacheDir(repo), namespace), ["data"], isNotData);
  return Object.fromEntries(Object.entries(tree).filter(([rel]) => !rel.endsWith("/")));
}

/**
 * The randomized run on one bucket: each team's origin joins with `ds setup … [--namespace]` and
 * writes a seed, its clones pull it; then every clone of every team runs its random ops at once
 * through its own flaky proxy; then, fault-free, each team syncs until its clones agree and a
 * fresh clone pulls. Violations are checked per team, and with namespaces also that nothing lands
 * outside a team's own namespace, in the bucket or in any cache.
 */
export async function convergenceRun(
  server: RemoteServer,
  teams: Team[],
  options: RunOptions,
  afterThisTest: (fn: () => Promise<void>) => void,
): Promise<RunResult> {
  const bucket = await server.createBucket();
  const proxies: FlakyProxy[] = [];
  afterThisTest(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  });
  const stream = (team: Team, what: string) =>
    forkRandom(options.seed, `${server.kind}/${nsDir(team.namespace)}${what}`);

  const joined: TeamClones[] = [];
  for (const team of teams) {
    const own: FlakyProxy[] = [];
    for (let i = 0; i < team.clones; i++)
      own.push(await startFlakyProxy(server.port, stream(team, `proxy${i}`)));
    proxies.push(...own);
    joined.push(await joinTeam(server, bucket, team, own));
  }

  for (const proxy of proxies) proxy.setResetChance(options.resetChance);
  const label = `${server.kind}-${options.seed}`;
  const strays: string[] = [];
  const outcomesOf = await Promise.all(
    joined.map(({ team, clones, proxies: own }) =>
      Promise.all(
        clones.map((repo, clone) =>
          runClone(
            repo,
            own[clone] as FlakyProxy,
            stream(team, `clone${clone}`),
            {
              clone,
              count: Math.ceil(team.ops / team.clones),
              label: `${label}${team.namespace ? `-${team.namespace}` : ""}`,
              deadline: options.deadline,
            },
            { env: options.env, timeoutMs: options.opTimeoutMs },
            // A cache that ever holds another namespace's data is a violation, even if a later op removed it.
            () =>
              strays.push(...strayCacheFiles(repo, team.namespace, `${who(team.namespace)}clone ${clone}`)),
          ),
        ),
      ).then((perClone) => perClone.flat()),
    ),
  );
  for (const proxy of proxies) proxy.setResetChance(0);

  const namespaced = teams.some((team) => team.namespace !== "");
  const violations: string[] = [...new Set(strays)];
  let acked = 0;
  for (const [i, clones] of joined.entries()) {
    const outcomes = outcomesOf[i] as OpOutcome[];
    const checked = await checkTeam(server, bucket, clones, outcomes);
    acked += checked.acked;
    violations.push(...checked.violations);
  }
  if (namespaced) violations.push(...(await keysOutsideNamespaces(bucket, teams)));
  return { outcomes: outcomesOf.flat(), acked, proxies, violations };
}

/** The team's origin joins the bucket (`ds setup … --namespace` when it has one) and writes a seed; its clones pull. */
async function joinTeam(server: RemoteServer, bucket: BucketClient, team: Team, proxies: FlakyProxy[]) {
  const proxyOf = (i: number) => proxies[i] as FlakyProxy;
  const origin = await makeRepo(server.env);
  const setup = [
    ...server.setupArgs(bucket.name, { prefix: PREFIX, endpoint: proxyOf(0).url }),
    ...(team.namespace ? ["--namespace", team.namespace] : []),
    "--json",
  ];
  expectExit(await origin.run(setup), 0);
  const value = `seed${team.namespace}`;
  const first = await put(origin, MODEL, "seed", value, TYPE);
  const clones: Repo[] = [origin];
  for (let i = 1; i < team.clones; i++) {
    const clone = cloneVia(origin, proxyOf(i).url);
    expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    clones.push(clone);
  }
  return { team, origin, modelId: first.modelId, seed: { value, version: first.version }, clones, proxies };
}

/** The checks of one team once faults stop: its clones and a fresh one agree, with every acknowledged write. */
async function checkTeam(
  server: RemoteServer,
  bucket: BucketClient,
  { team, origin, modelId, seed, clones }: TeamClones,
  outcomes: OpOutcome[],
): Promise<{ acked: number; violations: string[] }> {
  const snapshot = (repo: Repo) => namespaceCacheData(repo, team.namespace);
  const repos = clones.map((repo, i) => ({ label: `${who(team.namespace)}clone ${i}`, repo }));
  const settling = await syncUntilAgreed(repos, snapshot);
  const fresh = cloneVia(origin, server.endpoint);
  const freshPull = await fresh.run(["datastore", "sync", "--pull", "--json"]);
  if (freshPull.code !== 0) settling.push(`a fresh clone could not pull:\n${describeRun(freshPull)}`);
  repos.unshift({ label: `${who(team.namespace)}a fresh clone`, repo: fresh });

  const acked = [{ clone: 0, seq: -1, name: "seed", ...seed }, ...ackedWrites(outcomes)];
  const bucketView: View = {
    label: `${who(team.namespace)}the bucket`,
    files: await bucketData(bucket, `${PREFIX}/${nsDir(team.namespace)}`.replace(/\/$/, "")),
  };
  const views = repos.map(({ label, repo }) => ({ label, files: snapshot(repo) }));
  const written = new Set([
    seed.value,
    ...outcomes.flatMap(({ op }) => (op.value === null ? [] : [op.value])),
  ]);
  const violations = [
    ...settling.map((line) => `${who(team.namespace)}${line}`),
    ...outcomes.flatMap(({ op, problem }) =>
      problem
        ? [`${who(team.namespace)}clone ${op.clone}, op ${op.seq} (${op.args.join(" ")}): ${problem}`]
        : [],
    ),
    ...dataViolations(modelId, acked, bucketView, views),
    ...(await latestViolations(repos, ["seed", ...KEPT_NAMES, DELETED_NAME])).map(
      (line) => `${who(team.namespace)}${line}`,
    ),
    ...foreignVersions(modelId, written, [bucketView, ...views]),
  ];
  for (const { repo } of repos)
    violations.push(...strayCacheFiles(repo, team.namespace, `${who(team.namespace)}a clone`));
  return { acked: acked.length, violations };
}

/** Version files of another model, or with bytes no clone of this team wrote: another team's data. */
function foreignVersions(modelId: string, written: Set<string>, views: View[]): string[] {
  const known = new Set([...written].map((value) => sha256Hex(value)));
  const violations: string[] = [];
  for (const view of views)
    for (const [rel, sha] of Object.entries(view.files)) {
      const file = parseVersionFile(rel);
      if (file === null) continue;
      if (file.modelId !== modelId) violations.push(`${view.label} holds ${rel}, another team's model`);
      else if (file.file === "raw" && !known.has(sha))
        violations.push(`${view.label} holds ${rel} with bytes no clone of its team wrote`);
    }
  return violations;
}

/**
 * Files in a namespaced clone's cache outside its namespace: only `{ns}/…` and the sync state of
 * `{ns}` (`.swamp-sync/{location}/{ns}/…`) may be there.
 */
function strayCacheFiles(repo: Repo, namespace: string, label: string): string[] {
  if (!namespace) return [];
  const root = cacheDir(repo);
  const own = new RegExp(`^(${namespace}/|\\.swamp-sync/[^/]+/${namespace}/)`);
  const tree = snapshotTree(root, ["."]);
  return Object.keys(tree)
    .filter((rel) => !rel.endsWith("/") && !own.test(rel))
    .map((rel) => `${label}'s cache holds ${rel}, outside its namespace ${namespace}`);
}

/** Every key in the bucket, leases included, must sit under `{prefix}/{ns}/` of one of the teams. */
async function keysOutsideNamespaces(bucket: BucketClient, teams: Team[]): Promise<string[]> {
  const roots = teams.map((team) => `${PREFIX}/${team.namespace}/`);
  const keys = await bucket.keys("");
  if (keys.length === 0) return ["the bucket holds no key at all"];
  return keys
    .filter((key) => !roots.some((root) => key.startsWith(root)))
    .map((key) => `the bucket holds ${key}, outside ${roots.join(" and ")}`);
}
