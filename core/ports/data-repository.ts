import type { DataMetadata, ModelKey } from "../data-record.ts";

/** What the caller decides about a new version; the repository fills in id, version, size, checksum, createdAt. */
export interface NewVersion {
  contentType: string;
  lifetime: string;
  garbageCollection: number | string;
  streaming: boolean;
  tags: DataMetadata["tags"];
  ownerDefinition: DataMetadata["ownerDefinition"];
  lifecycle?: "deleted";
  renamedTo?: string;
}

export interface StoredVersion {
  model: ModelKey;
  metadata: DataMetadata;
}

/**
 * Versions of named data under a model, on the datastore tier (docs/architecture.md, "Ports").
 * Versions are immutable and appear atomically; allocation is safe under concurrent writers.
 * Where the bytes live is the adapter's business: the port speaks of models, names and versions.
 */
export interface DataRepository {
  /** Allocates the next version and writes content + metadata atomically; updates the latest marker. */
  write(model: ModelKey, name: string, content: Uint8Array, version: NewVersion): Promise<DataMetadata>;
  /** Latest version's metadata (the highest complete version), or null. */
  latest(model: ModelKey, name: string): Promise<DataMetadata | null>;
  /** One complete version's metadata, or null. */
  get(model: ModelKey, name: string, version: number): Promise<DataMetadata | null>;
  /** Ascending version numbers of complete versions. */
  versions(model: ModelKey, name: string): Promise<number[]>;
  /** Data names under one model, sorted. */
  names(model: ModelKey): Promise<string[]>;
  /** A complete version's content, or null when there is no such version. */
  readContent(model: ModelKey, name: string, version: number): Promise<Uint8Array | null>;
  /** Deletes one version; returns how many versions were removed (0 or 1). */
  deleteVersion(model: ModelKey, name: string, version: number): Promise<number>;
  /** Deletes every version of a name; returns how many were removed. */
  deleteName(model: ModelKey, name: string): Promise<number>;
  /** Every complete version in the datastore (for catalog backfill); the versions of one name come one after another. */
  walk(): AsyncIterable<StoredVersion>;
}
