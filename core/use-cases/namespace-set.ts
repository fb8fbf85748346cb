import { SwampError } from "../errors.ts";
import { validateNamespace } from "../namespace.ts";
import type { NamespaceManifest } from "../namespace-manifest.ts";
import type { Clock } from "../ports/clock.ts";
import type { ObjectStore } from "../ports/object-store.ts";
import { readManifest, refuseClaim, registerNamespace } from "./namespace-registry.ts";

/**
 * `swamp datastore namespace set <slug>` (docs/architecture.md, "Namespaces"): register the slug
 * for this repo in the datastore, then, only once that succeeded, record it in `.swamp.yaml`.
 * Nothing is moved; the previous namespace's manifest stays.
 */

export interface NamespaceSetDeps {
  /** The datastore: a folder used in place, or the bucket. */
  store: ObjectStore;
  clock: Pick<Clock, "now">;
  /** Runs `fn` under the new namespace's global lease, with a signal that aborts when it is lost. */
  underLease<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Records the namespace in `.swamp.yaml`. */
  saveNamespace(namespace: string): Promise<void>;
}

export interface NamespaceSetRequest {
  slug: string;
  /** The namespace in effect now; "" in solo mode. */
  current: string;
  repoId: string;
}

export interface NamespaceSetOutcome {
  namespace: string;
  /** The namespace this repo used before, when it had one. */
  previousNamespace?: string;
  manifest: NamespaceManifest;
  /** The namespace was already this repo's but had no manifest: it was registered again, `.swamp.yaml` untouched. */
  reregistered: boolean;
}

/**
 * Validates the slug and refuses, before taking any lease, a slug another repo holds or whose
 * manifest cannot be read, and the repo's own namespace when it is registered already.
 */
export async function setNamespace(
  deps: NamespaceSetDeps,
  request: NamespaceSetRequest,
  signal?: AbortSignal,
): Promise<NamespaceSetOutcome> {
  const namespace = validateNamespace(request.slug);
  const { repoId, current } = request;
  const found = await readManifest(deps.store, namespace, signal);
  // Another team's claim is refused without touching its namespace (not even its lease).
  refuseClaim(deps.store, repoId, found);
  const same = namespace === current;
  if (same && found.state === "registered") {
    throw new SwampError(
      "validation_failed",
      `Namespace is already set to "${namespace}". Nothing was changed; 'swamp datastore namespace list' shows this datastore's namespaces.`,
    );
  }
  return deps.underLease(async (leaseSignal) => {
    const manifest = await registerNamespace(deps.store, { namespace, repoId }, deps.clock, leaseSignal);
    if (!same) await deps.saveNamespace(namespace);
    return {
      namespace,
      ...(current !== "" && !same ? { previousNamespace: current } : {}),
      manifest,
      reregistered: same,
    };
  });
}
