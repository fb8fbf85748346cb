import type { Clock, Random } from "../../core/ports/clock.ts";
import type { DatastoreVerifier } from "../../core/ports/datastore-verifier.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type { StoreMeter } from "../store-decorators/metered-object-store.ts";

/** What opening a store may use. */
export interface StoreDeps {
  env: Readonly<Record<string, string | undefined>>;
  clock: Clock;
  host: Host;
  random: Random;
  /** Told of every request the store makes (`-v`, `SWAMP_LOG=debug`); none when absent. */
  meter?: StoreMeter;
}

/**
 * A backend's part with I/O: how its ObjectStore opens and how its health is checked. Its pure
 * part (config, parsing, setup flags, tunables) is its descriptor in core/backends/. Every
 * member is required; the registry (registry.ts) must hold one adapter per kind. See
 * docs/architecture.md, "Backends".
 */
export interface BackendAdapter<C extends { kind: string }> {
  readonly kind: C["kind"];
  /**
   * The store, undecorated: openObjectStore (registry.ts) adds the decorators. A backend whose
   * store needs an SDK imports it here, dynamically, so commands that never open it never load it.
   */
  open(config: C, deps: StoreDeps): Promise<ObjectStore>;
  /** True for a store over the network, whose failures can be transient: its calls are then retried. */
  readonly transientFailures: boolean;
  /** The health check of `datastore status` and `datastore setup`; `store` opens the (decorated) store. */
  verifier(config: C, store: () => Promise<ObjectStore>, deps: StoreDeps): DatastoreVerifier;
}
