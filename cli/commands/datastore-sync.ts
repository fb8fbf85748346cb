import { SwampError } from "../../core/errors.ts";
import type { SyncProgress } from "../../core/ports/sync-service.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

interface Opts {
  pull?: boolean;
  push?: boolean;
  timeout?: string;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const timeout = inv.opts.timeout === undefined ? undefined : parseTimeoutFlag(inv.opts.timeout);
  const mode = inv.opts.push ? "push" : inv.opts.pull ? "pull" : "sync";
  const ctx = await openRepo(inv);
  const remote = await ctx.remote();
  if (!remote) {
    throw new SwampError(
      "sync_not_supported",
      `Datastore sync is only available for remote datastores (S3, GCS). Current datastore type: ${ctx.config.kind} — its data is already in place at ${ctx.datastoreBase}; nothing to sync.`,
    );
  }
  const onProgress = progressPrinter(inv.out.info.bind(inv.out));
  const signal = AbortSignal.any([inv.signal, remote.deadline(timeout)]);
  inv.out.info(
    mode === "push"
      ? "Pushing local changes to remote..."
      : mode === "pull"
        ? "Pulling changes from remote..."
        : "Syncing with remote...",
  );

  // A pull only refreshes this cache: no lease (SPEC §1.0). Pushing commits to the bucket: the global lease.
  if (mode === "pull") {
    const pulled = await remote.pull({ signal, onProgress });
    const doc = {
      mode,
      filesPulled: pulled.downloaded,
      filesDeleted: pulled.deleted,
      rejected: pulled.rejected,
      requests: pulled.requests,
    };
    inv.out.result(
      doc,
      () => `Pulled ${pulled.downloaded} file(s), removed ${pulled.deleted} deleted remotely`,
    );
    return;
  }
  const doc = await ctx.withStructuralNoSync("datastore sync", inv.signal, async (lease) => {
    const verify = () => remote.verifyLeases([lease]);
    const leaseSignal = AbortSignal.any([signal, lease.signal]);
    const pulled =
      mode === "sync"
        ? await remote.pull({ signal: leaseSignal, onProgress, beforeCommit: verify })
        : undefined;
    const pushed = await remote.push({ signal: leaseSignal, onProgress, beforeCommit: verify });
    return {
      mode,
      ...(pulled ? { filesPulled: pulled.downloaded, filesDeleted: pulled.deleted } : {}),
      filesPushed: pushed.uploaded,
      remoteDeleted: pushed.deleted,
      errors: [] as string[],
    };
  });
  inv.out.result(doc, () =>
    mode === "push"
      ? `Pushed ${doc.filesPushed} file(s)`
      : `Sync complete: ${doc.filesPulled ?? 0} pulled, ${doc.filesPushed} pushed`,
  );
}

/** "Still pushing…"-style progress on stderr, at most every 5 s per phase. */
function progressPrinter(info: (message: string) => void): (p: SyncProgress) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (p.done !== p.total && now - last < 5000) return;
    last = now;
    if (p.total > 0) info(`  ${p.phase}: ${p.done}/${p.total}`);
  };
}
