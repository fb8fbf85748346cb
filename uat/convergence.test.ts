import { beforeAll, describe, test } from "bun:test";
import { afterThisTest, installCleanup } from "./support/cleanup.ts";
import { ackedWrites, dataViolations, latestViolations, type View } from "./support/convergence-check.ts";
import {
  DELETED_NAME,
  KEPT_NAMES,
  MODEL,
  runClone,
  syncUntilAgreed,
  TYPE,
  tallyFaults,
} from "./support/convergence-ops.ts";
import { type FlakyProxy, startFlakyProxy } from "./support/flaky-proxy.ts";
import { REMOTE_KINDS, type RemoteKind, type RemoteServer, startRemote } from "./support/remote.ts";
import { bucketData, cloneVia, makeRemoteRepo, put } from "./support/remote-repo.ts";
import { forkRandom, seedFromEnv } from "./support/seeded-random.ts";
import { describeRun, expectExit, type Repo } from "./support/swamp.ts";
import { cacheData } from "./support/version-files.ts";

installCleanup();

/** Replays a failure: `SWAMP_CONVERGENCE_SEED=<seed printed below> bun test uat/convergence.test.ts`. */
const SEED = seedFromEnv("SWAMP_CONVERGENCE_SEED");
const CLONES = 3;
/** Operations per backend, all clones together. */
const OPS = Number(process.env.SWAMP_CONVERGENCE_OPS ?? 210);
/**
 * Chance that a new connection between a clone and the store is reset part-way. The S3 client
 * opens about three times as many connections per command as the GCS one (≈17 against ≈5 for
 * a put), so its chance is lower: either way roughly one command in four meets a reset.
 */
const RESET_CHANCE: Record<RemoteKind, number> = { s3: 0.04, gcs: 0.1 };
/** No op starts after this long (a guard for a slow machine; the op count is printed either way). */
const CHAOS_BUDGET_MS = 150_000;
/** Short deadlines: a reset connection fails an op in seconds, not minutes. */
const CHAOS_ENV = {
  SWAMP_S3_REQUEST_TIMEOUT_MS: "5000",
  SWAMP_GCS_REQUEST_TIMEOUT_MS: "5000",
  SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "30000",
  SWAMP_LOCK_TIMEOUT_MS: "30000",
};
const OP_TIMEOUT_MS = 90_000;
const SHOWN = 25;

console.log(`convergence: seed=${SEED} (replay with SWAMP_CONVERGENCE_SEED=${SEED})`);

describe.each(REMOTE_KINDS)("3 clones on one %s bucket, random puts, deletes and syncs", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });

  test(`with resets and kill -9: every acknowledged write survives, nothing diverges (seed ${SEED})`, async () => {
    const proxies: FlakyProxy[] = [];
    afterThisTest(async () => {
      await Promise.all(proxies.map((proxy) => proxy.stop()));
    });
    for (let i = 0; i < CLONES; i++)
      proxies.push(await startFlakyProxy(server.port, forkRandom(SEED, `${kind}/proxy${i}`)));
    const proxyOf = (i: number) => proxies[i] as FlakyProxy;

    const origin = await makeRemoteRepo(server, { endpoint: proxyOf(0).url });
    const first = await put(origin.repo, MODEL, "seed", "seed", TYPE);
    const clones: Repo[] = [origin.repo];
    for (let i = 1; i < CLONES; i++) {
      const clone = cloneVia(origin.repo, proxyOf(i).url);
      expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
      clones.push(clone);
    }

    for (const proxy of proxies) proxy.setResetChance(RESET_CHANCE[kind]);
    const deadline = Date.now() + CHAOS_BUDGET_MS;
    const outcomes = (
      await Promise.all(
        clones.map((repo, clone) =>
          runClone(
            repo,
            proxyOf(clone),
            forkRandom(SEED, `${kind}/clone${clone}`),
            { clone, count: Math.ceil(OPS / CLONES), label: `${kind}-${SEED}`, deadline },
            { env: CHAOS_ENV, timeoutMs: OP_TIMEOUT_MS },
          ),
        ),
      )
    ).flat();
    for (const proxy of proxies) proxy.setResetChance(0);

    // Fault-free: every clone syncs until all agree; then a fresh clone reads the bucket.
    const repos = clones.map((repo, i) => ({ label: `clone ${i}`, repo }));
    const settling = await syncUntilAgreed(repos, cacheData);
    const fresh = cloneVia(origin.repo, server.endpoint);
    const freshPull = await fresh.run(["datastore", "sync", "--pull", "--json"]);
    if (freshPull.code !== 0) settling.push(`a fresh clone could not pull:\n${describeRun(freshPull)}`);
    repos.unshift({ label: "a fresh clone", repo: fresh });

    const acked = [
      { clone: 0, seq: -1, name: "seed", value: "seed", version: first.version },
      ...ackedWrites(outcomes),
    ];
    const bucket: View = { label: "the bucket", files: await bucketData(origin.bucket, origin.prefix) };
    const views = repos.map(({ label, repo }) => ({ label, files: cacheData(repo) }));
    const violations = [
      ...settling,
      ...outcomes.flatMap(({ op, problem }) =>
        problem ? [`clone ${op.clone}, op ${op.seq} (${op.args.join(" ")}): ${problem}`] : [],
      ),
      ...dataViolations(first.modelId, acked, bucket, views),
      ...(await latestViolations(repos, ["seed", ...KEPT_NAMES, DELETED_NAME])),
    ];

    const figures = tallyFaults(outcomes, proxies);
    console.log(
      `convergence: backend=${kind} seed=${SEED} ops=${outcomes.length} acked=${acked.length} failed=${figures.failed} resets=${figures.resets} kills=${figures.kills} hung=${figures.hung} violations=${violations.length}`,
    );
    if (figures.resets === 0 || figures.kills === 0)
      throw new Error(
        `no faults were injected (resets=${figures.resets}, kills=${figures.kills}): the harness is broken`,
      );
    if (violations.length > 0 || figures.hung > 0)
      throw new Error(
        `${violations.length} violation(s), ${figures.hung} op(s) hung (seed ${SEED}):\n  ${violations.slice(0, SHOWN).join("\n  ")}${violations.length > SHOWN ? "\n  …" : ""}`,
      );
  }, 300_000);
});
