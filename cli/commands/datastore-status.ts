import { FsDatastoreVerifier } from "../../adapters/fs/fs-datastore-verifier.ts";
import { globalLockKey } from "../../core/lock-keys.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import type { StatusSnapshot } from "../status/status-snapshot.ts";
import { renderStatusText } from "../status/status-text.ts";
import { leaseDocs } from "./datastore-lock-status.ts";
import { openRepo } from "./shared.ts";

interface Opts {
  once?: boolean;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const ctx = await openRepo(inv);
  const load = () => snapshot(ctx, inv.signal);
  if (inv.out.interactive && inv.opts.once !== true) {
    const { runStatusView } = await import("../status/status-view.tsx");
    await runStatusView(load);
    return;
  }
  const snap = await load();
  inv.out.result(snap, () => renderStatusText(snap, (sgr, t) => inv.out.paint(sgr, t)));
}

async function snapshot(ctx: RepoContext, signal: AbortSignal): Promise<StatusSnapshot> {
  const session = await ctx.remote();
  const [health, locks, remote] = await Promise.all([
    session
      ? session.verify(signal)
      : new FsDatastoreVerifier(ctx.datastoreBase, ctx.clock, ctx.host).verify(),
    leaseDocs(ctx, signal).catch((e: Error) => ({
      global: { key: globalLockKey(ctx.namespace), held: false, stale: false, error: e.message },
      models: [],
    })),
    session ? session.remoteStatus() : undefined,
  ]);
  const exclude = ctx.resolver.excludePatterns();
  return {
    type: ctx.config.kind,
    ...(session ? {} : { path: ctx.datastoreBase }),
    ...health,
    directories: ctx.resolver.effectiveDirectories(),
    ...(exclude.length ? { exclude: [...exclude] } : {}),
    namespace: ctx.namespace,
    repoId: ctx.repoId,
    repoDir: ctx.repoDir,
    namespaces: [{ namespace: ctx.namespace, repoId: ctx.repoId, registeredAt: "", isCurrent: true }],
    locks,
    ...(remote ? { remote } : {}),
    checkedAt: new Date(ctx.clock.now()).toISOString(),
  };
}
