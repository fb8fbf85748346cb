import { SwampError } from "../errors.ts";
import { isNamespaceSlug } from "../namespace.ts";
import {
  decodeManifest,
  encodeManifest,
  manifestKey,
  type NamespaceManifest,
} from "../namespace-manifest.ts";
import type { Clock } from "../ports/clock.ts";
import type { ObjectStore } from "../ports/object-store.ts";
import { folderEntries } from "./datastore-entries.ts";

/**
 * The namespaces of one datastore and their manifests (docs/architecture.md, "Namespaces"), pure
 * over the ObjectStore port: a folder datastore and a bucket answer the same way.
 */

/** One namespace found in a datastore: its manifest, or why there is none to trust. */
export type NamespaceEntry =
  | { namespace: string; state: "registered"; manifest: NamespaceManifest }
  | { namespace: string; state: "missing" }
  | { namespace: string; state: "corrupt"; reason: string };

/**
 * Every top-level folder that can be a namespace, ascending. One listing request per top-level
 * entry, never a walk of the whole datastore.
 */
export async function namespaceFolders(store: ObjectStore, signal?: AbortSignal): Promise<string[]> {
  return (await folderEntries(store, "", signal)).folders.filter(isNamespaceSlug).sort();
}

/** A namespace's manifest as stored: registered, missing, or corrupt (with why). */
export async function readManifest(
  store: ObjectStore,
  namespace: string,
  signal?: AbortSignal,
): Promise<NamespaceEntry> {
  const object = await store.get(manifestKey(namespace), signal);
  return object === null ? { namespace, state: "missing" } : storedEntry(namespace, object.body);
}

function storedEntry(namespace: string, body: Uint8Array): NamespaceEntry {
  const decoded = decodeManifest(namespace, body);
  return "manifest" in decoded
    ? { namespace, state: "registered", manifest: decoded.manifest }
    : { namespace, state: "corrupt", reason: decoded.corrupt };
}

/**
 * Every namespace of the datastore with its manifest, sorted by slug; `current` (this repo's, when
 * set) is listed even when its folder does not exist yet.
 */
export async function listNamespaces(
  store: ObjectStore,
  current: string,
  signal?: AbortSignal,
): Promise<NamespaceEntry[]> {
  const slugs = new Set(await namespaceFolders(store, signal));
  if (current !== "") slugs.add(current);
  return Promise.all([...slugs].sort().map((slug) => readManifest(store, slug, signal)));
}

/**
 * Throws, naming the problem, when `repoId` cannot claim the namespace `found` describes: its
 * manifest belongs to another repo, or cannot be read. Nothing is written either way.
 */
export function refuseClaim(store: ObjectStore, repoId: string, found: NamespaceEntry): void {
  const { namespace } = found;
  if (found.state === "corrupt") {
    throw new SwampError(
      "validation_failed",
      `Namespace "${namespace}" has a manifest that cannot be read (${found.reason}) at ${manifestKey(namespace)} in ${store.description}. Nothing was changed. If no repo uses "${namespace}", delete that object with your store's tools and retry; otherwise choose another slug.`,
    );
  }
  if (found.state === "registered" && found.manifest.repoId !== repoId) {
    throw new SwampError(
      "validation_failed",
      `Namespace "${namespace}" is already registered in this datastore by repo ${found.manifest.repoId || "(unknown)"} (since ${found.manifest.registeredAt}). Nothing was changed. Choose another slug; 'swamp datastore namespace list' shows the ones taken.`,
    );
  }
}

/** Attempts at a conditional refresh of our own manifest before giving up: another writer keeps changing it. */
const MAX_REFRESH_ATTEMPTS = 3;

/**
 * Registers `namespace` for `repoId`: a create-only write of its manifest. The same repo
 * re-registering refreshes `registeredAt` by a conditional write; a manifest of another repo, or
 * one that cannot be read, is refused naming it, and nothing is written.
 */
export async function registerNamespace(
  store: ObjectStore,
  request: { namespace: string; repoId: string },
  clock: Pick<Clock, "now">,
  signal?: AbortSignal,
): Promise<NamespaceManifest> {
  const { namespace, repoId } = request;
  if (repoId === "") {
    throw new SwampError(
      "validation_failed",
      `This repo has no repoId in .swamp.yaml, so it cannot register namespace "${namespace}". Run 'swamp repo init' to give it one, then retry.`,
    );
  }
  const key = manifestKey(namespace);
  for (let attempt = 1; attempt <= MAX_REFRESH_ATTEMPTS; attempt++) {
    const manifest = { namespace, repoId, registeredAt: new Date(clock.now()).toISOString() };
    const created = await store.put(key, encodeManifest(manifest), { absent: true }, signal);
    if (created.ok) return manifest;
    const current = await store.get(key, signal);
    if (current === null) continue;
    refuseClaim(store, repoId, storedEntry(namespace, current.body));
    const refreshed = await store.put(key, encodeManifest(manifest), { version: current.version }, signal);
    if (refreshed.ok) return manifest;
  }
  throw new SwampError(
    "sync_failed",
    `The manifest of namespace "${namespace}" in ${store.description} kept changing during ${MAX_REFRESH_ATTEMPTS} attempts to register it. Nothing was changed in .swamp.yaml; retry once other setups are done.`,
  );
}
