import type { LockCoordinator } from "../../adapters/lease-lock/lock-coordinator.ts";
import { globalLockKey } from "../../core/lock-keys.ts";
import { listNamespaces, type NamespaceEntry } from "../../core/use-cases/namespace-registry.ts";
import { findRootData } from "../../core/use-cases/namespace-survey.ts";
import type { RepoContext } from "../context.ts";
import { type LeaseDoc, leaseDoc, type NamespaceDoc } from "./status-snapshot.ts";

/**
 * Every namespace of the datastore with its manifest and global lease (docs/architecture.md,
 * "Namespaces"), solo mode's layout first when the repo is solo or root data is there. `own` is
 * this repo's global lease, already inspected. A missing or corrupt manifest is a row like any
 * other; a datastore that cannot be listed leaves this repo's own row, saying why.
 */
export async function namespaceDocs(
  ctx: RepoContext,
  own: LeaseDoc,
  signal: AbortSignal,
): Promise<NamespaceDoc[]> {
  const current = ctx.namespace;
  try {
    const store = await ctx.store();
    const [entries, rootData, locks] = await Promise.all([
      listNamespaces(store, current, signal),
      findRootData(store, ctx.resolver, signal, 1),
      ctx.locks(),
    ]);
    const rows = entries.map((entry) =>
      namespaceDoc(entry, current, entry.namespace === current ? own : null),
    );
    if (current === "" || rootData.length > 0) rows.unshift(soloDoc(ctx, current === "" ? own : null));
    return Promise.all(
      rows.map(async (row) => ({ ...row, lease: row.lease ?? (await lease(locks, row.namespace, signal)) })),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      {
        namespace: current,
        repoId: ctx.repoId,
        registeredAt: "",
        current: true,
        manifest: "unknown",
        problem: `could not list the namespaces: ${reason}`,
        lease: own,
      },
    ];
  }
}

type PendingDoc = Omit<NamespaceDoc, "lease"> & { lease: LeaseDoc | null };

function namespaceDoc(entry: NamespaceEntry, current: string, lease: LeaseDoc | null): PendingDoc {
  const { namespace } = entry;
  const row = (
    fields: Pick<NamespaceDoc, "repoId" | "registeredAt" | "manifest" | "problem">,
  ): PendingDoc => ({
    namespace,
    repoId: fields.repoId,
    registeredAt: fields.registeredAt,
    current: namespace === current,
    manifest: fields.manifest,
    ...(fields.problem ? { problem: fields.problem } : {}),
    lease,
  });
  switch (entry.state) {
    case "registered":
      return row({
        repoId: entry.manifest.repoId,
        registeredAt: entry.manifest.registeredAt,
        manifest: "registered",
      });
    case "missing":
      return row({ repoId: "", registeredAt: "", manifest: "missing", problem: "no manifest" });
    case "corrupt":
      return row({
        repoId: "",
        registeredAt: "",
        manifest: "corrupt",
        problem: `manifest unreadable: ${entry.reason}`,
      });
  }
}

function soloDoc(ctx: RepoContext, lease: LeaseDoc | null): PendingDoc {
  const current = ctx.namespace === "";
  return {
    namespace: "",
    repoId: current ? ctx.repoId : "",
    registeredAt: "",
    current,
    manifest: "solo",
    lease,
  };
}

/** Another namespace's global lease; one that cannot be read says so instead of hiding the row. */
async function lease(locks: LockCoordinator, namespace: string, signal: AbortSignal): Promise<LeaseDoc> {
  const key = globalLockKey(namespace);
  try {
    return leaseDoc(key, await locks.inspect(key, signal));
  } catch (error) {
    return { key, held: false, stale: false, error: error instanceof Error ? error.message : String(error) };
  }
}
