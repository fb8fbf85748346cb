import { allBackends } from "../../core/backends/registry.ts";
import { anySignal } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import type {
  HydrateResult,
  PullResult,
  PushResult,
  SyncOptions,
  SyncProgress,
} from "../../core/ports/sync-service.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import { defineCommand, flag, type OptsOf, timeout } from "../command-spec.ts";
import { hydrateAll } from "../content-hydration.ts";
import type { RepoContext } from "../context.ts";
import { filesMoved, formatCount, sentence } from "../progress/format.ts";
import { stderrReport, type TransferReport } from "../progress/transfer-report.ts";
import type { RemoteSession } from "../remote-session.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {
  pull: flag("--pull", "only pull"),
  push: flag("--push", "only push"),
  ...timeout("give up after this many seconds (default: SWAMP_DATASTORE_SYNC_TIMEOUT_MS or 300)"),
  republish: flag(
    "--republish",
    "upload this cache again over an emptied, restored or damaged index (never deletes or overwrites in the store)",
  ),
  hydrate: flag(
    "--hydrate",
    "after the pull, fetch every version's content a lazy pull left in the store (the repo stays lazy)",
  ),
  yes: flag("-y, --yes", "accepted for compatibility; sync never asks"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "pull and push the local cache of a remote datastore (push takes the global lease)",
  examples: [
    "swamp ds sync",
    "swamp ds sync --pull --json",
    "swamp ds sync --push --timeout 600",
    "swamp ds sync --republish",
    "swamp ds sync --pull --hydrate",
  ],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const timeout = inv.opts.timeout === undefined ? undefined : parseTimeoutFlag(inv.opts.timeout);
  if (inv.opts.republish && (inv.opts.pull || inv.opts.push)) {
    throw new SwampError(
      "usage",
      "--republish pulls and pushes in one go; run 'swamp datastore sync --republish' without --pull or --push.",
    );
  }
  if (inv.opts.hydrate && (inv.opts.push || inv.opts.republish)) {
    throw new SwampError(
      "usage",
      "--hydrate fetches content after a pull; run 'swamp datastore sync --pull --hydrate' (or without --pull) instead of with --push or --republish.",
    );
  }
  const mode = inv.opts.push ? "push" : inv.opts.pull ? "pull" : "sync";
  const ctx = await openRepo(inv);
  const remote = await ctx.remote();
  if (!remote) {
    throw new SwampError(
      "sync_not_supported",
      `Datastore sync is only available for remote datastores (${remoteLabels()}). Current datastore type: ${ctx.config.kind} — its data is already in place at ${ctx.datastoreBase}; nothing to sync.`,
    );
  }
  if (mode !== "pull") await remote.assertMigrated();
  const report = stderrReport(inv.out, ctx.clock);
  const onProgress = report.onProgress;
  const deadline = remote.deadline(timeout);
  const signal = anySignal(inv.signal, deadline.signal);
  report.start(
    mode === "push"
      ? "Pushing local changes to remote..."
      : mode === "pull"
        ? "Pulling changes from remote..."
        : "Syncing with remote...",
  );

  const { pulled, pushed, hydrated } = await (async () => {
    const synced = await (inv.opts.republish
      ? republish(ctx, remote, inv.signal, signal, onProgress)
      : sync(ctx, remote, mode, inv.signal, signal, onProgress));
    return {
      ...synced,
      hydrated: inv.opts.hydrate ? await hydrateAll(remote, signal, onProgress) : undefined,
    };
  })().finally(() => {
    deadline.dispose();
    report.clear();
  });
  report.finish(syncSummary(mode, report, pulled, pushed, hydrated));
  const doc = {
    mode,
    ...(hydrated ? { filesHydrated: hydrated.fetched } : {}),
    ...(pulled
      ? { filesPulled: pulled.downloaded, filesDeleted: pulled.deleted, rejected: pulled.rejected }
      : {}),
    ...(mode === "pull" ? {} : { filesPushed: pushed.uploaded, remoteDeleted: pushed.deleted }),
    rebased: remote.rebasedDoc(),
    errors: [] as string[],
  };
  inv.out.result(doc, () => {
    const pulledText = `${pulled?.downloaded ?? 0} pulled, ${pulled?.deleted ?? 0} removed (deleted remotely)`;
    const hydratedText = hydrated ? `, ${hydrated.fetched} hydrated` : "";
    if (mode === "pull") return `Pull complete: ${pulledText}${hydratedText}`;
    if (mode === "push") return `Pushed ${pushed.uploaded} file(s), deleted ${pushed.deleted} remotely`;
    return `Sync complete: ${pulledText}${hydratedText}, ${pushed.uploaded} pushed`;
  });
}

type Pulled = PullResult | undefined;
type Pushed = Pick<PushResult, "uploaded" | "deleted">;

async function sync(
  ctx: RepoContext,
  remote: RemoteSession,
  mode: "pull" | "push" | "sync",
  interrupt: AbortSignal,
  signal: AbortSignal,
  onProgress: (p: SyncProgress) => void,
): Promise<{ pulled: Pulled; pushed: Pushed }> {
  // Pulling only refreshes this cache: no lease (docs/architecture.md, "Command line"). Only a push
  // with something to send takes the global lease, so a sync with nothing to do costs the one
  // request of the pull.
  const pulled = mode === "push" ? undefined : await remote.pull({ signal, onProgress });
  if (mode !== "pull") await remote.publishCatalog();
  const pending = await remote.sync.status();
  const pushed =
    mode === "pull" || (pending.pendingPaths === 0 && !pending.pendingBulk)
      ? { uploaded: 0, deleted: 0 }
      : await ctx.withStructuralNoSync("datastore sync", interrupt, (lease) =>
          remote.push({
            signal: anySignal(signal, lease.signal),
            onProgress,
            beforeCommit: (s) => remote.verifyLeases([lease], s),
          }),
        );
  return { pulled, pushed };
}

/** Under the global lease: a pull that deletes nothing, then everything the index lacks goes up. */
function republish(
  ctx: RepoContext,
  remote: RemoteSession,
  interrupt: AbortSignal,
  signal: AbortSignal,
  onProgress: (p: SyncProgress) => void,
): Promise<{ pulled: Pulled; pushed: Pushed }> {
  return ctx.withStructuralNoSync("datastore sync --republish", interrupt, async (lease) => {
    const options: SyncOptions = {
      signal: anySignal(signal, lease.signal),
      onProgress,
      beforeCommit: (s) => remote.verifyLeases([lease], s),
      republish: true,
    };
    const pulled = await remote.pull(options);
    remote.sync.markDirty(null);
    return { pulled, pushed: await remote.push(options) };
  });
}

/** `Pulled 2,000 files (2.0 MB), pushed 3 files (1.2 KB)`: what moved, for the end line. */
function syncSummary(
  mode: "pull" | "push" | "sync",
  report: TransferReport,
  pulled: Pulled,
  pushed: Pushed,
  hydrated: HydrateResult | undefined,
): string {
  const parts: string[] = [];
  if (mode !== "push") parts.push(filesMoved("pulled", pulled?.downloaded ?? 0, report.bytes("download")));
  if (hydrated) parts.push(`hydrated ${formatCount(hydrated.fetched)}`);
  if (mode !== "pull") parts.push(filesMoved("pushed", pushed.uploaded, report.bytes("upload")));
  return sentence(parts);
}

/** "S3, GCS": the backends whose datastore is a bucket behind the cache. */
function remoteLabels(): string {
  return allBackends()
    .filter((d) => d.placement.kind === "remote")
    .map((d) => d.label)
    .join(", ");
}
