import { SwampError } from "../core/errors.ts";
import type { HydrateResult, SyncProgress } from "../core/ports/sync-service.ts";
import type { RemoteSession } from "./remote-session.ts";

/**
 * Brings one version's content that a lazy pull left in the store into the cache, under the
 * command's sync deadline (docs/architecture.md, "Lazy hydration"); throws, saying why, when the
 * content cannot be fetched.
 */
export async function fetchContent(remote: RemoteSession, rel: string): Promise<void> {
  const deadline = remote.deadline();
  try {
    const { failed } = await remote.sync.hydrate([rel], {
      signal: deadline.signal,
      timeoutMs: deadline.budget.ms,
    });
    const problem = failed[0];
    if (problem === undefined) return;
    throw new SwampError(
      "sync_failed",
      `The content ${remote.prefix}${rel} is not in the local cache and could not be fetched from ${remote.store.description}: ${problem.reason}. Run 'swamp datastore sync --pull', then the command again; if it still fails, run 'swamp doctor'.`,
      { path: rel },
    );
  } finally {
    deadline.dispose();
  }
}

/**
 * Every version's content a lazy pull left in the store, fetched into the cache
 * (docs/architecture.md, "Lazy hydration"); what cannot be fetched fails the command, naming it.
 */
export async function hydrateAll(
  remote: RemoteSession,
  signal: AbortSignal,
  onProgress?: (p: SyncProgress) => void,
): Promise<HydrateResult> {
  const result = await remote.sync.hydrate(null, { signal, ...(onProgress ? { onProgress } : {}) });
  if (result.failed.length === 0) return result;
  const listed = result.failed
    .slice(0, 10)
    .map((f) => `${remote.prefix}${f.path}: ${f.reason}`)
    .join("; ");
  const more = result.failed.length > 10 ? ` (and ${result.failed.length - 10} more)` : "";
  throw new SwampError(
    "sync_failed",
    `${result.fetched} file(s) hydrated, ${result.failed.length} could not be: ${listed}${more}. Run 'swamp datastore sync --pull --hydrate' again; if it still fails, run 'swamp doctor'.`,
    { fetched: result.fetched, failed: result.failed },
  );
}
