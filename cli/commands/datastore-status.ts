import { anySignal, startDeadline, type TimeBudget } from "../../core/deadline.ts";
import { ExitCode } from "../../core/errors.ts";
import { globalLockKey } from "../../core/lock-keys.ts";
import { lookDeadline } from "../../core/tunables.ts";
import { defineCommand, flag, type OptsOf, timeout } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { type NamespaceListing, namespaceDocs, reusedListing } from "../status/namespace-docs.ts";
import type { StatusSnapshot } from "../status/status-snapshot.ts";
import { renderStatusText } from "../status/status-text.ts";
import { leaseDocs } from "./datastore-lock-status.ts";
import { openRepo } from "./shared.ts";

const options = {
  once: flag("--once", "print one snapshot even on a terminal"),
  ...timeout("give up on a store that has not answered after this many seconds (default 10)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "datastore type, path, health, namespaces and leases; live on a terminal (q quits)",
  examples: ["swamp ds status", "swamp ds status --json", "swamp ds status --once --timeout 30"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const budget = lookDeadline(inv.opts.timeout, "swamp datastore status");
  const ctx = await openRepo(inv);
  const listing = reusedListing(ctx);
  const load = () => withinDeadline(ctx, listing, inv.signal, budget);
  if (inv.out.interactive && inv.opts.once !== true) {
    const { runStatusView } = await import("../status/status-view.tsx");
    await runStatusView(async () => (await load()).snap);
    return;
  }
  const { snap, ranOut } = await load();
  inv.out.result(snap, () => renderStatusText(snap, (sgr, t) => inv.out.paint(sgr, t)));
  // The snapshot says what could be learnt; an unhealthy store, or one that did not answer in
  // time, is a failure a script must see.
  if (ranOut || !snap.healthy) process.exitCode = ExitCode.error;
}

/** One snapshot under the command's own short deadline (docs/architecture.md, "Deadlines"). */
async function withinDeadline(
  ctx: RepoContext,
  listing: (signal: AbortSignal) => Promise<NamespaceListing>,
  interrupt: AbortSignal,
  budget: TimeBudget,
): Promise<{ snap: StatusSnapshot; ranOut: boolean }> {
  const deadline = startDeadline(ctx.clock, budget);
  try {
    const snap = await snapshot(ctx, listing, anySignal(interrupt, deadline.signal));
    return { snap, ranOut: deadline.signal.aborted };
  } finally {
    deadline.dispose();
  }
}

async function snapshot(
  ctx: RepoContext,
  listing: (signal: AbortSignal) => Promise<NamespaceListing>,
  signal: AbortSignal,
): Promise<StatusSnapshot> {
  const session = await ctx.remote();
  const leases = leaseDocs(ctx, signal).catch((e: Error) => ({
    global: { key: globalLockKey(ctx.namespace), held: false, stale: false, error: e.message },
    models: [],
  }));
  const [health, locks, namespaces, remote] = await Promise.all([
    ctx.verifier().verify(signal),
    leases,
    Promise.all([listing(signal), leases]).then(([found, own]) =>
      namespaceDocs(ctx, found, own.global, signal),
    ),
    session ? session.remoteStatus() : undefined,
  ]);
  const exclude = ctx.resolver.excludePatterns();
  return {
    type: ctx.config.kind,
    datastoreType: ctx.config.kind,
    ...(session ? {} : { path: ctx.datastoreBase }),
    ...health,
    directories: ctx.resolver.effectiveDirectories(),
    ...(exclude.length ? { exclude: [...exclude] } : {}),
    namespace: ctx.namespace,
    repoId: ctx.repoId,
    repoDir: ctx.repoDir,
    namespaces,
    locks,
    ...(remote ? { remote } : {}),
    checkedAt: new Date(ctx.clock.now()).toISOString(),
  };
}
