import { DeadlineExceeded, formatSeconds } from "../../core/deadline.ts";
import { failedWhile, SwampError } from "../../core/errors.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type { SyncOptions, SyncProgress } from "../../core/ports/sync-service.ts";
import { CountingObjectStore } from "../store-decorators/counting-object-store.ts";
import { isTransient } from "../store-decorators/transient-error.ts";

export type Direction = "pull" | "push";

/** The bytes of a progress report: moved so far, and in all when known. */
export type Bytes = Pick<SyncProgress, "bytes" | "bytesTotal">;

/** What one pull or push works with: a request-counting view of the store and one signal. */
export interface SyncRun {
  direction: Direction;
  store: CountingObjectStore;
  signal: AbortSignal;
  options: SyncOptions;
  progress(phase: SyncProgress["phase"], done: number, total: number, bytes?: Bytes): void;
}

class EngineDeadline extends Error {
  constructor(readonly ms: number) {
    super(`sync deadline of ${ms} ms reached`);
    this.name = "TimeoutError";
  }
}

/** Errors the caller acts on by code, passed through unchanged (a lost lease, Ctrl-C). */
const PASS_THROUGH = new Set(["lock_lost", "lock_timeout", "interrupted", "index_regressed"]);

/**
 * Runs one sync operation under one signal: the caller's, plus the engine's own deadline.
 * When it fires, the operation rejects at once, even if a request ignores the signal; the work
 * left behind checks the signal before recording anything.
 */
export async function runSync<T>(
  direction: Direction,
  context: { store: ObjectStore; clock: Clock; deadlineMs?: number },
  options: SyncOptions,
  work: (run: SyncRun) => Promise<T>,
): Promise<T> {
  const started = context.clock.now();
  const deadline = new AbortController();
  const stopTimer = new AbortController();
  if (context.deadlineMs !== undefined) {
    const ms = context.deadlineMs;
    context.clock.sleep(ms, stopTimer.signal).then(
      () => deadline.abort(new EngineDeadline(ms)),
      () => {},
    );
  }
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const run: SyncRun = {
    direction,
    store: new CountingObjectStore(context.store),
    signal,
    options,
    progress: (phase, done, total, bytes) => options.onProgress?.({ phase, done, total, ...bytes }),
  };
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  aborted.catch(() => {});
  const task = work(run);
  task.catch(() => {});
  try {
    return await Promise.race([task, aborted]);
  } catch (error) {
    if (signal.aborted) {
      throw abortError(
        direction,
        context.store.description,
        signal.reason,
        options,
        context.clock.now() - started,
      );
    }
    throw wrapFailure(direction, context.store.description, error);
  } finally {
    stopTimer.abort();
    signal.removeEventListener("abort", onAbort);
  }
}

function abortError(
  direction: Direction,
  store: string,
  reason: unknown,
  options: SyncOptions,
  elapsedMs: number,
): SwampError {
  const deadline = reason instanceof DeadlineExceeded ? reason : undefined;
  if (reason instanceof SwampError && !deadline) return reason;
  const ms =
    deadline?.budget.ms ?? (reason instanceof EngineDeadline ? reason.ms : (options.timeoutMs ?? elapsedMs));
  const what = direction === "pull" ? `Pull from ${store}` : `Push to ${store}`;
  const left =
    direction === "pull"
      ? "The cache was not recorded as synced."
      : "Nothing more was committed and local changes stay pending.";
  const raise = deadline ? `raise ${deadline.budget.what} with ${deadline.budget.raise}` : "raise --timeout";
  const error = new SwampError(
    "sync_failed",
    `${what} timed out after ${formatSeconds(ms)}${deadline ? ` (${deadline.budget.what})` : ""}. ${left} Run 'swamp datastore sync' again when the store is reachable, or ${raise}.`,
    { direction, timedOut: true },
  );
  error.cause = reason;
  return error;
}

function wrapFailure(direction: Direction, store: string, error: unknown): unknown {
  if (error instanceof SwampError && PASS_THROUGH.has(error.code)) return error;
  return direction === "pull"
    ? failedWhile(
        "sync_failed",
        `pull from ${store}: the cache was not recorded as synced`,
        error,
        pullAdvice(error),
      )
    : failedWhile(
        "sync_failed",
        `push to ${store}: nothing more was committed`,
        error,
        "Your changes are kept in the local cache; run 'swamp datastore sync --push' once that is fixed.",
      );
}

/** What to do after a failed pull, when this step knows better than the cause; files already brought in are kept and checked again. */
function pullAdvice(error: unknown): string | undefined {
  if (isTransient(error)) {
    return "Once the store is reachable, run the command again (or 'swamp datastore sync --pull').";
  }
  // Our own errors already say what to do (e.g. a republish for a damaged index).
  if (error instanceof SwampError) return undefined;
  const { code, path } = error as NodeJS.ErrnoException;
  if (typeof code === "string" && typeof path === "string") {
    return `Fix that on ${path} (disk space, permissions, or something in the way), then run the command again (or 'swamp datastore sync --pull').`;
  }
  return "Run the command again (or 'swamp datastore sync --pull'); 'swamp datastore status' checks the datastore.";
}
