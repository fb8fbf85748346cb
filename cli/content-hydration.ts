import { SwampError } from "../core/errors.ts";
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
