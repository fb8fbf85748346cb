/**
 * The adapter of every backend kind (docs/architecture.md, "Backends"), and the one place a
 * store is opened and decorated. The map's type makes a kind without an adapter a compile error.
 */

import type { BackendOf, DatastoreBackend, DatastoreKind } from "../../core/backends/registry.ts";
import type { DatastoreVerifier } from "../../core/ports/datastore-verifier.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { fsBackendAdapter } from "../fs/fs-backend.ts";
import { gcsBackendAdapter } from "../gcs/gcs-backend.ts";
import { s3BackendAdapter } from "../s3/s3-backend.ts";
import { MeteredObjectStore } from "../store-decorators/metered-object-store.ts";
import { RetryingObjectStore } from "../store-decorators/retrying-object-store.ts";
import type { BackendAdapter, StoreDeps } from "./backend-adapter.ts";

const ADAPTERS: { readonly [K in DatastoreKind]: BackendAdapter<BackendOf<K>> } = {
  filesystem: fsBackendAdapter,
  s3: s3BackendAdapter,
  gcs: gcsBackendAdapter,
};

function adapterOf<K extends DatastoreKind>(config: { kind: K }): BackendAdapter<BackendOf<K>> {
  return ADAPTERS[config.kind];
}

/**
 * The datastore's ObjectStore, decorated here and only here: each request (each attempt) is
 * reported to the meter (store-decorators/metered-object-store.ts), and a store over the network
 * retries transient failures (store-decorators/retrying-object-store.ts), within the deadline
 * behind each call's signal.
 */
export async function openObjectStore(config: DatastoreBackend, deps: StoreDeps): Promise<ObjectStore> {
  const adapter = adapterOf(config);
  const opened = await adapter.open(config, deps);
  const store = deps.meter ? new MeteredObjectStore(opened, deps.meter) : opened;
  return adapter.transientFailures
    ? new RetryingObjectStore(store, { clock: deps.clock, random: deps.random })
    : store;
}

/** The datastore's health check; `store` gives the store openObjectStore opened. */
export function datastoreVerifier(
  config: DatastoreBackend,
  store: () => Promise<ObjectStore>,
  deps: StoreDeps,
): DatastoreVerifier {
  return adapterOf(config).verifier(config, store, deps);
}
