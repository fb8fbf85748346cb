import { existsSync } from "node:fs";
import type { LockCoordinator } from "../../adapters/lease-lock/lock-coordinator.ts";
import { globalLockKey } from "../../core/lock-keys.ts";
import { listNamespaces, type NamespaceEntry } from "../../core/use-cases/namespace-registry.ts";
import { findRootData } from "../../core/use-cases/namespace-survey.ts";
import type { RepoContext } from "../context.ts";
import { type LeaseDoc, leaseDoc, type NamespaceDoc } from "./status-snapshot.ts";

/** The namespaces of the datastore and whether root data is there, or why they could not be listed. */
export type NamespaceListing = { entries: NamespaceEntry[]; rootData: boolean } | { error: string };

/** Lists the datastore's namespaces with their manifests (docs/architecture.md, "Namespaces"). */
export async function listDatastoreNamespaces(
  ctx: RepoContext,
  signal: AbortSignal,
): Promise<NamespaceListing> {
  try {
    const store = await ctx.store();
    const [entries, rootData] = await Promise.all([
      listNamespaces(store, ctx.namespace, signal),
      findRootData(store, ctx.resolver, signal, 1),
    ]);
    return { entries, rootData: rootData.length > 0 };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Namespaces come and go rarely: the live view lists them again only this often (leases: every refresh). */
const LISTING_REUSE_MS = 10_000;

/** `listDatastoreNamespaces`, whose last successful answer is reused for LISTING_REUSE_MS. */
export function reusedListing(ctx: RepoContext): (signal: AbortSignal) => Promise<NamespaceListing> {
  let last: { at: number; listing: Promise<NamespaceListing> } | undefined;
  return (signal) => {
    const now = ctx.clock.now();
    if (last === undefined || now - last.at >= LISTING_REUSE_MS) {
      const listing = listDatastoreNamespaces(ctx, signal);
      const entry = { at: now, listing };
      last = entry;
      void listing.then((answer) => {
        if ("error" in answer && last === entry) last = undefined;
      });
    }
    return last.listing;
  };
}

/**
 * Every namespace of `listing` with its global lease, solo mode's layout first when the repo is
 * solo or root data is there. `own` is this repo's global lease, already inspected. A missing or
 * corrupt manifest is a row like any other; a datastore that could not be listed leaves this
 * repo's own row, saying why.
 */
export async function namespaceDocs(
  ctx: RepoContext,
  listing: NamespaceListing,
  own: LeaseDoc,
  signal: AbortSignal,
): Promise<NamespaceDoc[]> {
  const current = ctx.namespace;
  if ("error" in listing) {
    return [
      {
        namespace: current,
        repoId: ctx.repoId,
        registeredAt: "",
        isCurrent: true,
        state: "unknown",
        problem: `could not list the namespaces: ${listing.error}`,
        lease: own,
      },
    ];
  }
  const rows = listing.entries.map((entry) =>
    namespaceDoc(entry, current, entry.namespace === current ? own : null),
  );
  if (current === "" || listing.rootData) rows.unshift(soloDoc(ctx, current === "" ? own : null));
  const locks = await ctx.locks();
  const pulledAt = await catalogPulls(
    ctx,
    rows.map((row) => row.namespace),
  );
  return Promise.all(
    rows.map(async (row) => ({
      ...row,
      lease: row.lease ?? (await lease(locks, row.namespace, signal)),
      ...(pulledAt.has(row.namespace) ? { catalogPulledAt: pulledAt.get(row.namespace) } : {}),
    })),
  );
}

/**
 * When this repo last pulled each namespace's catalog. A repo without a catalog file has pulled
 * none; a catalog that cannot be opened now (another process holds it) leaves the field out.
 */
async function catalogPulls(ctx: RepoContext, namespaces: readonly string[]): Promise<Map<string, string>> {
  const pulled = new Map<string, string>();
  if (!existsSync(ctx.resolver.catalogPath())) return pulled;
  const catalog = await ctx.catalogForWrite().catch(() => null);
  if (catalog === null) return pulled;
  try {
    for (const ns of namespaces) {
      const at = catalog.foreignPulledAt(ns);
      if (at !== null) pulled.set(ns, at);
    }
  } catch {
    // Status never fails because of the catalog: the field is only left out.
  } finally {
    catalog.close();
  }
  return pulled;
}

type PendingDoc = Omit<NamespaceDoc, "lease"> & { lease: LeaseDoc | null };

function namespaceDoc(entry: NamespaceEntry, current: string, lease: LeaseDoc | null): PendingDoc {
  const { namespace } = entry;
  const row = (fields: Pick<NamespaceDoc, "repoId" | "registeredAt" | "state" | "problem">): PendingDoc => ({
    namespace,
    repoId: fields.repoId,
    registeredAt: fields.registeredAt,
    isCurrent: namespace === current,
    state: fields.state,
    ...(fields.problem ? { problem: fields.problem } : {}),
    lease,
  });
  switch (entry.state) {
    case "registered":
      return row({
        repoId: entry.manifest.repoId,
        registeredAt: entry.manifest.registeredAt,
        state: "registered",
      });
    case "missing":
      return row({ repoId: "", registeredAt: "", state: "missing", problem: "no manifest" });
    case "corrupt":
      return row({
        repoId: "",
        registeredAt: "",
        state: "corrupt",
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
    isCurrent: current,
    state: "solo",
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
