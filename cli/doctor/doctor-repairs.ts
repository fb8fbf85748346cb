import { removeTempEntry } from "../../adapters/fs/temp-entries.ts";
import { LeaseLock } from "../../adapters/lease-lock/lease-lock.ts";
import { SignalledObjectStore } from "../../adapters/store-decorators/signalled-object-store.ts";
import { backfillCatalog } from "../../core/catalog-backfill.ts";
import type { RepairAction, RepairCode } from "../../core/doctor/finding.ts";
import type { PlannedRepair } from "../../core/doctor/repair-plan.ts";
import type { RepoContext } from "../context.ts";
import type { DoctorChecks } from "./doctor-checks.ts";

export interface RepairOutcome {
  code: RepairCode;
  subject: string;
  applied: boolean;
  error?: string;
}

type Outcome = Omit<RepairOutcome, "code" | "subject">;
type Deletion = Extract<RepairAction, { kind: "delete_orphan" | "delete_shard" }>;
type Planned<K extends RepairCode> = PlannedRepair & { action: Extract<RepairAction, { kind: K }> };

const APPLIED: Outcome = { applied: true };

/**
 * Applies the planned repairs (docs/architecture.md, "Doctor"), each only on exactly what was
 * inspected: leases first (a freed global lease lets the deletions take it), then the store's
 * leftovers under the global lease, the cache pulled again, temp files, and the catalog last,
 * rebuilt from the data as it then is. One repair failing does not stop the others.
 */
export async function applyRepairs(
  ctx: RepoContext,
  checks: DoctorChecks,
  planned: readonly PlannedRepair[],
  signal: AbortSignal,
): Promise<RepairOutcome[]> {
  const outcomes = new Map<PlannedRepair, Outcome>();
  const each = async <K extends RepairCode>(kind: K, apply: (repair: Planned<K>) => Promise<Outcome>) => {
    for (const repair of ofKind(planned, kind)) outcomes.set(repair, await attempt(() => apply(repair)));
  };
  const once = async (
    repairs: readonly PlannedRepair[],
    apply: () => Promise<Map<PlannedRepair, Outcome> | null>,
  ) => {
    if (repairs.length === 0) return;
    const done = await attempt(apply);
    for (const repair of repairs)
      outcomes.set(repair, done instanceof Map ? (done.get(repair) ?? APPLIED) : (done ?? APPLIED));
  };

  await each("release_lease", (repair) => releaseLease(ctx, repair.action, signal));
  const deletions = [...ofKind(planned, "delete_orphan"), ...ofKind(planned, "delete_shard")];
  await once(deletions, () => deleteUnindexed(ctx, checks, deletions, signal));
  await once(ofKind(planned, "repull_file"), async () => {
    await (await ctx.remote())?.pull({ signal, verify: true });
    return null;
  });
  await each("delete_leftover", (repair) => removeTempEntry(repair.action.path).then(() => APPLIED));
  await once(ofKind(planned, "rebuild_catalog"), async () => {
    await backfillCatalog(ctx.data(), await ctx.catalog(), ctx.namespace);
    return null;
  });
  return planned.map((repair) => ({
    code: repair.code,
    subject: repair.subject,
    ...(outcomes.get(repair) ?? APPLIED),
  }));
}

/** Frees a stale or corrupt lease: exactly the holder inspected, by its nonce. */
async function releaseLease(
  ctx: RepoContext,
  action: Planned<"release_lease">["action"],
  signal: AbortSignal,
): Promise<Outcome> {
  const lock = new LeaseLock({
    store: new SignalledObjectStore(await ctx.store(), signal),
    key: action.key,
    clock: ctx.clock,
    host: ctx.host,
    random: Math.random,
  });
  if (await lock.forceRelease(action.nonce)) return APPLIED;
  return {
    applied: false,
    error:
      "the lease changed since it was inspected (taken over, renewed by its holder or released); left alone",
  };
}

/**
 * Under the global lease (no writer pushes meanwhile), the store is surveyed again: only what is
 * still left over, at the version listed, is deleted. A push that committed since the first
 * survey may name an object that looked orphaned then.
 */
async function deleteUnindexed(
  ctx: RepoContext,
  checks: DoctorChecks,
  deletions: readonly Planned<Deletion["kind"]>[],
  signal: AbortSignal,
): Promise<Map<PlannedRepair, Outcome> | null> {
  const remote = await ctx.remote();
  if (remote === null) return null;
  return ctx.withStructuralNoSync("doctor --repair", signal, async (lease) => {
    const during = AbortSignal.any([signal, lease.signal]);
    const fresh = await checks.index(remote, during);
    const still = new Set(fresh.flatMap((f) => (isDeletion(f.repair) ? [deletionId(f.repair)] : [])));
    const outcomes = new Map<PlannedRepair, Outcome>();
    for (const repair of deletions) {
      if (!still.has(deletionId(repair.action))) {
        outcomes.set(repair, {
          applied: false,
          error: "no longer left over (the index names it now, or it changed); left alone",
        });
        continue;
      }
      lease.assertHeld();
      const { key, version } = repair.action;
      const gone = await remote.store.delete(key, { version }, during);
      const why = !gone.ok && (gone.reason === "missing" ? "is already gone" : "changed since it was listed");
      outcomes.set(repair, why ? { applied: false, error: `it ${why}; left alone` } : APPLIED);
    }
    return outcomes;
  });
}

function ofKind<K extends RepairCode>(planned: readonly PlannedRepair[], kind: K): Planned<K>[] {
  return planned.filter((repair): repair is Planned<K> => repair.action.kind === kind);
}

function isDeletion(action: RepairAction | undefined): action is Deletion {
  return action?.kind === "delete_orphan" || action?.kind === "delete_shard";
}

const deletionId = (action: Deletion) => `${action.kind}\n${action.key}\n${action.version}`;

async function attempt<T>(apply: () => Promise<T>): Promise<T | Outcome> {
  try {
    return await apply();
  } catch (error) {
    return { applied: false, error: error instanceof Error ? error.message : String(error) };
  }
}
