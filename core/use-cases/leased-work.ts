import type { ModelKey } from "../data-record.ts";
import { anySignal, type Deadline } from "../deadline.ts";
import { SwampError } from "../errors.ts";
import type { Lease, LeaseCoordinator, LeaseInspector } from "../ports/lock.ts";
import type { SyncOptions } from "../ports/sync-service.ts";

/**
 * The lifecycle of a command that changes a datastore (docs/architecture.md, "Command line" and
 * "Leases"): its leases, then on a bucket a pull, the work, a push fenced by the leases, and the
 * release, whatever happens.
 */

/** What the lifecycle needs of a bucket's sync for one command: pull and push (reporting as they go), and the sync deadline. */
export interface CommandSync {
  pull(options: SyncOptions): Promise<unknown>;
  push(options: SyncOptions): Promise<unknown>;
  /** The command's one sync deadline, over its pull and push; disposed by the caller. */
  deadline(): Deadline;
}

export interface LeasedWorkDeps {
  locks: LeaseCoordinator;
  /** Null for a folder datastore: nothing to pull or push. */
  sync: CommandSync | null;
  /** How a push that fails after the work failed is reported: the work's error is the one thrown. */
  warn: (message: string) => void;
}

/**
 * A structural command (docs/architecture.md, "Leases"): the global lease, then pull, `fn`, push
 * (on a bucket), release. `interrupt` stops the wait and the sync.
 */
export function withGlobalLeaseSynced<T>(
  deps: LeasedWorkDeps,
  operation: string,
  interrupt: AbortSignal,
  fn: (lease: Lease) => Promise<T>,
): Promise<T> {
  const { locks, sync } = deps;
  return locks.withStructural(
    (lease) =>
      sync ? syncedWork({ locks, sync, warn: deps.warn }, interrupt, [lease], () => fn(lease)) : fn(lease),
    { operation, signal: interrupt },
  );
}

/**
 * A writer (docs/architecture.md, "Leases"): the models' leases, then pull, `fn`, push (on a
 * bucket), release. `fn`'s signal aborts when a lease is lost (self-revocation) or on `interrupt`.
 */
export function withModelLeasesSynced<T>(
  deps: LeasedWorkDeps,
  models: ModelKey[],
  operation: string,
  interrupt: AbortSignal,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { locks, sync } = deps;
  return locks.withModels(
    models,
    (leaseSignal, leases) =>
      sync ? syncedWork({ locks, sync, warn: deps.warn }, interrupt, leases, fn) : fn(leaseSignal),
    { operation, signal: interrupt },
  );
}

/**
 * Pull, run, then push even if the work failed part-way (so what was written is not stranded;
 * that push's own failure is only warned about). The pull and the push share one sync deadline,
 * and the push commits only while every lease still carries this command's nonce (fencing).
 */
export async function syncedWork<T>(
  deps: { locks: LeaseInspector; sync: CommandSync; warn: (message: string) => void },
  interrupt: AbortSignal,
  leases: Lease[],
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = deps.sync.deadline();
  const leaseSignal = anySignal(...leases.map((lease) => lease.signal));
  const signal = anySignal(interrupt, leaseSignal, deadline.signal);
  const options: SyncOptions = { signal, beforeCommit: (s) => fenceLeases(deps.locks, leases, s) };
  try {
    await deps.sync.pull(options);
    let result: T;
    try {
      result = await work(anySignal(interrupt, leaseSignal));
    } catch (workError) {
      await deps.sync.push(options).catch((e: Error) => deps.warn(e.message));
      throw workError;
    }
    await deps.sync.push(options);
    return result;
  } finally {
    deadline.dispose();
  }
}

/**
 * Fencing before a commit (docs/architecture.md, "Leases"): every lease must still be held here
 * and still carry this command's nonce in the store; otherwise `lock_lost`, and nothing is committed.
 */
export async function fenceLeases(
  locks: LeaseInspector,
  leases: readonly Lease[],
  signal: AbortSignal,
): Promise<void> {
  for (const lease of leases) {
    lease.assertHeld();
    const state = await locks.inspect(lease.key, signal);
    if (!state || state.info.nonce !== lease.info.nonce) {
      throw new SwampError(
        "lock_lost",
        `The lease ${lease.key} was taken over by ${state?.info.holder ?? "nobody (it is free)"} before this command could commit; nothing was committed. Your changes stay in the local cache: run 'swamp datastore sync --push' once the other writer is done.`,
      );
    }
  }
}
