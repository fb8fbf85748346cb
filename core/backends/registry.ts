/**
 * Every datastore backend, by kind (docs/architecture.md, "Backends"). To add one: write its
 * descriptor (core/backends/<kind>.ts) and its adapter (adapters/<kind>/<kind>-backend.ts), add
 * its config to `DatastoreBackend` and one line to `BACKENDS` here and to `ADAPTERS` in
 * adapters/backends/registry.ts. The compiler rejects a kind missing from either map.
 */

import { joinPosix } from "../posix-path.ts";
import type { BackendDescriptor, BucketLocation, RemoteTunables } from "./backend-descriptor.ts";
import { type FilesystemBackend, filesystemBackend } from "./filesystem.ts";
import { type GcsBackend, gcsBackend } from "./gcs.ts";
import { type S3Backend, s3Backend } from "./s3.ts";

export type { FilesystemBackend, GcsBackend, S3Backend };

/** A backend's config; its `kind` names the backend. */
export type DatastoreBackend = FilesystemBackend | S3Backend | GcsBackend;
export type DatastoreKind = DatastoreBackend["kind"];
export type BackendOf<K extends DatastoreKind> = Extract<DatastoreBackend, { kind: K }>;

/** In the order messages and `datastore setup --help` list them. */
const BACKENDS: { readonly [K in DatastoreKind]: BackendDescriptor<BackendOf<K>> } = {
  filesystem: filesystemBackend,
  s3: s3Backend,
  gcs: gcsBackend,
};

export function descriptorOf<K extends DatastoreKind>(config: { kind: K }): BackendDescriptor<BackendOf<K>> {
  return BACKENDS[config.kind];
}

/** Every descriptor, in the registry's order. */
export function allBackends(): BackendDescriptor<DatastoreBackend>[] {
  return DATASTORE_KINDS.map((kind) => descriptorOf({ kind }));
}

export const DATASTORE_KINDS: readonly DatastoreKind[] = Object.values(BACKENDS).map((d) => d.kind);

/** The backend a type name selects in `SWAMP_DATASTORE` and `.swamp.yaml`: its kind or an alias. */
export function kindOfType(type: string): DatastoreKind | undefined {
  return DATASTORE_KINDS.find((kind) => kind === type || descriptorOf({ kind }).aliases.includes(type));
}

/** The type of a `.swamp.yaml` block that names none. */
export const DEFAULT_KIND: DatastoreKind = "filesystem";

/** The datastore of a repo that configures none: its own `.swamp/` folder. */
export function defaultBackend(repoDir: string): DatastoreBackend {
  return { kind: "filesystem", path: joinPosix(repoDir, ".swamp") };
}

/** True when the datastore is a bucket behind a local cache; false for a folder used in place. */
export function isRemoteBackend(config: DatastoreBackend): boolean {
  return descriptorOf(config).placement.kind === "remote";
}

/** A remote datastore's bucket and tuning; null for a folder. */
export function remoteOf(
  config: DatastoreBackend,
  env: Readonly<Record<string, string | undefined>>,
): { kind: DatastoreKind; location: BucketLocation; tunables: RemoteTunables } | null {
  const placement = descriptorOf(config).placement;
  if (placement.kind !== "remote") return null;
  return {
    kind: config.kind,
    location: placement.location(config),
    tunables: placement.tunables(config, env),
  };
}

/** A folder datastore's path; null for a bucket. */
export function localPathOf(config: DatastoreBackend): string | null {
  const placement = descriptorOf(config).placement;
  return placement.kind === "local" ? placement.path(config) : null;
}
