import { beforeAll, describe, test } from "bun:test";
import { afterThisTest, installCleanup } from "./support/cleanup.ts";
import { tallyFaults } from "./support/convergence-ops.ts";
import { convergenceRun, type RunResult, type Team } from "./support/convergence-run.ts";
import { REMOTE_KINDS, type RemoteKind, type RemoteServer, startRemote } from "./support/remote.ts";
import { seedFromEnv } from "./support/seeded-random.ts";

installCleanup();

/** Replays a failure: `SWAMP_CONVERGENCE_SEED=<seed printed below> bun test uat/convergence.test.ts`. */
const SEED = seedFromEnv("SWAMP_CONVERGENCE_SEED");
const CLONES = 3;
/**
 * Operations per backend and run, all clones together. Four runs (solo and two namespaces, on each
 * backend) share the test command's time; a deeper run sets SWAMP_CONVERGENCE_OPS.
 */
const OPS = Number(process.env.SWAMP_CONVERGENCE_OPS ?? 150);
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

/** The same number of ops as the solo run, split between two namespaces sharing the bucket and prefix. */
const TWO_TEAMS: Team[] = ["infra", "security"].map((namespace) => ({ namespace, clones: 2, ops: OPS / 2 }));

describe.each(REMOTE_KINDS)(
  "random puts, deletes and syncs with resets and kill -9 on one %s bucket",
  (kind) => {
    let server: RemoteServer;

    beforeAll(async () => {
      server = await startRemote(kind);
    });

    const run = (teams: Team[]) =>
      convergenceRun(
        server,
        teams,
        {
          seed: SEED,
          resetChance: RESET_CHANCE[kind],
          deadline: Date.now() + CHAOS_BUDGET_MS,
          env: CHAOS_ENV,
          opTimeoutMs: OP_TIMEOUT_MS,
        },
        afterThisTest,
      );

    test(`${CLONES} solo clones: every acknowledged write survives, nothing diverges (seed ${SEED})`, async () => {
      report(kind, "solo", await run([{ namespace: "", clones: CLONES, ops: OPS }]));
    }, 300_000);

    test(`2 clones each of infra and security: 0 violations per namespace, nothing outside its own (seed ${SEED})`, async () => {
      report(kind, "infra+security", await run(TWO_TEAMS));
    }, 300_000);
  },
);

/** Prints the run's figures; throws when anything was violated, an op hung or no fault was injected. */
function report(kind: RemoteKind, teams: string, { outcomes, acked, proxies, violations }: RunResult): void {
  const figures = tallyFaults(outcomes, proxies);
  console.log(
    `convergence: backend=${kind} teams=${teams} seed=${SEED} ops=${outcomes.length} acked=${acked} failed=${figures.failed} resets=${figures.resets} kills=${figures.kills} hung=${figures.hung} violations=${violations.length}`,
  );
  if (violations.length > 0 || figures.hung > 0)
    throw new Error(
      `${violations.length} violation(s), ${figures.hung} op(s) hung (seed ${SEED}):\n  ${violations.slice(0, SHOWN).join("\n  ")}${violations.length > SHOWN ? "\n  …" : ""}`,
    );
  if (figures.resets === 0 || figures.kills === 0)
    throw new Error(
      `no faults were injected (resets=${figures.resets}, kills=${figures.kills}): the harness is broken`,
    );
}
