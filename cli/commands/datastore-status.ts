import { plainCause } from "../../adapters/backends/bucket-health.ts";
import { remoteOf } from "../../core/backends/registry.ts";
import {
  anySignal,
  DeadlineExceeded,
  startDeadline,
  type TimeBudget,
  unansweredMessage,
} from "../../core/deadline.ts";
import { ExitCode } from "../../core/errors.ts";
import { globalLockKey } from "../../core/lock-keys.ts";
import { LIVE_STATUS_TIMEOUT_MS, lookDeadline } from "../../core/tunables.ts";
import { defineCommand, flag, type OptsOf, text, timeout } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { type NamespaceListing, namespaceDocs, reusedListing } from "../status/namespace-docs.ts";
import type { NamespaceLeases } from "../status/status-screen.ts";
import type { LeaseDoc, StatusSnapshot } from "../status/status-snapshot.ts";
import { renderStatusText } from "../status/status-text.ts";
import { unreachableTracker } from "../status/unreachable-since.ts";
import { leaseDocs } from "./datastore-lock-status.ts";
import { openRepo, parsePositiveInt } from "./shared.ts";

const options = {
  once: flag("--once", "print one snapshot even on a terminal"),
  interval: text(
    "--interval <seconds>",
    "live view: seconds between refreshes (default 1; r refreshes at once)",
  ),
  ...timeout(
    "give up on a store that has not answered after this many seconds (default 10; live view: 3 per refresh)",
  ),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description:
    "datastore type, path, health, namespaces and leases; live on a terminal (r refreshes, ? shows the keys, q quits)",
  examples: [
    "swamp ds status",
    "swamp ds status --interval 5",
    "swamp ds status --json",
    "swamp ds status --once --timeout 30",
  ],
  options,
  run,
});

/** After the deadline, parts of a check that honour it end on their own; this long is left for them. */
const GRACE_MS = 500;

export async function run(inv: Invocation<Opts>): Promise<void> {
  const live = inv.out.interactive && inv.opts.once !== true;
  const budget = lookDeadline(
    inv.opts.timeout,
    "swamp datastore status",
    live ? LIVE_STATUS_TIMEOUT_MS : undefined,
  );
  const intervalMs =
    inv.opts.interval === undefined ? 1000 : parsePositiveInt(inv.opts.interval, "--interval") * 1000;
  const ctx = await openRepo(inv);
  const listing = reusedListing(ctx);
  const track = unreachableTracker();
  const load = async (focus?: string) => {
    const checked = await withinDeadline(ctx, listing, inv.signal, budget, focus);
    return { ...checked, snap: track(checked.snap) };
  };
  if (live) {
    const { runStatusView } = await import("../status/status-view.tsx");
    await runStatusView({
      local: { type: ctx.config.kind, namespace: ctx.namespace, deadlineMs: budget.ms },
      load,
      intervalMs,
    });
    return;
  }
  const { snap, ranOut } = await load();
  inv.out.result(snap, () => renderStatusText(snap, (sgr, t) => inv.out.paint(sgr, t)));
  // The snapshot says what could be learnt; an unhealthy store, or one that did not answer in
  // time, is a failure a script must see.
  if (ranOut || !snap.healthy) process.exitCode = ExitCode.error;
}

interface Checked {
  snap: StatusSnapshot;
  ranOut: boolean;
  /** The leases of the namespace asked for, when it is not this repo's own. */
  focus?: NamespaceLeases;
}

/**
 * One snapshot under the command's own short deadline (docs/architecture.md, "Deadlines"). A part
 * that does not end with the deadline is not waited for: the snapshot then says the store did
 * not answer, and shows only what is known locally.
 */
async function withinDeadline(
  ctx: RepoContext,
  listing: (signal: AbortSignal) => Promise<NamespaceListing>,
  interrupt: AbortSignal,
  budget: TimeBudget,
  focus: string | undefined,
): Promise<Checked> {
  const deadline = startDeadline(ctx.clock, budget);
  const signal = anySignal(interrupt, deadline.signal);
  const stopGrace = new AbortController();
  try {
    const checked = Promise.all([
      snapshot(ctx, listing, signal),
      focus === undefined || focus === ctx.namespace ? undefined : namespaceLeases(ctx, focus, signal),
    ]).then(([snap, leases]) => ({
      snap,
      ranOut: deadline.signal.aborted,
      ...(leases ? { focus: leases } : {}),
    }));
    const abandoned = ctx.clock
      .sleep(budget.ms + GRACE_MS, stopGrace.signal)
      .then(async () => unanswered(ctx, budget, focus));
    return await Promise.race([checked, abandoned]);
  } finally {
    stopGrace.abort();
    deadline.dispose();
  }
}

/** What is known without asking the store, when it did not answer in time. */
async function unanswered(ctx: RepoContext, budget: TimeBudget, focus: string | undefined): Promise<Checked> {
  const ran = new DeadlineExceeded(budget);
  const why = plainCause(ran);
  const unknown = (key: string): LeaseDoc => ({ key, held: false, stale: false, error: why });
  const own = unknown(globalLockKey(ctx.namespace));
  const snap = withLocal(ctx, {
    healthy: false,
    message: unansweredMessage(storeName(ctx), ran),
    latencyMs: budget.ms,
    cause: why,
    namespaces: await namespaceDocs(ctx, { error: why }, own, AbortSignal.abort(ran)),
    locks: { global: own, models: [] },
  });
  const leases = focus && { namespace: focus, global: unknown(globalLockKey(focus)), models: [], error: why };
  return { snap, ranOut: true, ...(leases ? { focus: leases } : {}) };
}

/** The store as its config names it: `s3 bucket acc-x/team`, or the folder. Asks nothing. */
function storeName(ctx: RepoContext): string {
  const location = remoteOf(ctx.config, ctx.env)?.location;
  if (!location) return ctx.datastoreBase;
  return `${ctx.config.kind} bucket ${location.bucket}${location.prefix ? `/${location.prefix}` : ""}`;
}

/** Another namespace's leases; ones that cannot be read say why. */
async function namespaceLeases(
  ctx: RepoContext,
  namespace: string,
  signal: AbortSignal,
): Promise<NamespaceLeases> {
  try {
    return { namespace, ...(await leaseDocs(ctx, signal, namespace)) };
  } catch (error) {
    const why = error instanceof Error ? plainCause(error) : String(error);
    return {
      namespace,
      global: { key: globalLockKey(namespace), held: false, stale: false, error: why },
      models: [],
      error: why,
    };
  }
}

async function snapshot(
  ctx: RepoContext,
  listing: (signal: AbortSignal) => Promise<NamespaceListing>,
  signal: AbortSignal,
): Promise<StatusSnapshot> {
  const session = await ctx.remote();
  const verifier = await ctx.verifier();
  const leases = leaseDocs(ctx, signal).catch((e: Error) => ({
    global: { key: globalLockKey(ctx.namespace), held: false, stale: false, error: e.message },
    models: [],
  }));
  const [health, locks, namespaces, remote] = await Promise.all([
    verifier.verify(signal),
    leases,
    Promise.all([listing(signal), leases]).then(([found, own]) =>
      namespaceDocs(ctx, found, own.global, signal),
    ),
    session ? session.remoteStatus() : undefined,
  ]);
  return withLocal(ctx, { ...health, namespaces, locks, ...(remote ? { remote } : {}) });
}

type StoreParts = Pick<
  StatusSnapshot,
  "healthy" | "message" | "latencyMs" | "cause" | "namespaces" | "locks" | "remote"
>;

/** `parts` learnt from the store, with what the repo itself says and the time of the check. */
function withLocal(ctx: RepoContext, parts: StoreParts): StatusSnapshot {
  const { namespaces, locks, remote, ...health } = parts;
  const exclude = ctx.resolver.excludePatterns();
  return {
    type: ctx.config.kind,
    datastoreType: ctx.config.kind,
    ...(ctx.isRemote ? {} : { path: ctx.datastoreBase }),
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
