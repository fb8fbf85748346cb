import type { DataMetadata, ModelRef } from "../data-record.ts";

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
  model: Pick<ModelRef, "type" | "id">;
  metadata: DataMetadata;
}

/**
 * Versions of named data under a model, on the datastore tier
 * (`data/{type}/{modelId}/{name}/{version}/{raw,metadata.yaml}`).
 * Versions are immutable and appear atomically; allocation is safe under concurrent writers.
 */
export interface DataRepository {
  /** Allocates the next version and writes content + metadata atomically; updates the latest marker. */
  write(model: ModelRef, name: string, content: Uint8Array, version: NewVersion): Promise<DataMetadata>;
  /** Latest version's metadata (the highest complete version), or null. */
  latest(model: Pick<ModelRef, "type" | "id">, name: string): Promise<DataMetadata | null>;
  get(model: Pick<ModelRef, "type" | "id">, name: string, version: number): Promise<DataMetadata | null>;
  /** Ascending version numbers of complete versions. */
  versions(model: Pick<ModelRef, "type" | "id">, name: string): Promise<number[]>;
  /** Data names under one model, sorted. */
  names(model: Pick<ModelRef, "type" | "id">): Promise<string[]>;
  readContent(
    model: Pick<ModelRef, "type" | "id">,
    name: string,
    version: number,
  ): Promise<Uint8Array | null>;
  /** Absolute path of a version's raw content (for `contentPath` output). */
  contentPath(model: Pick<ModelRef, "type" | "id">, name: string, version: number): string;
  /** Deletes one version; returns how many versions were removed (0 or 1). */
  deleteVersion(model: Pick<ModelRef, "type" | "id">, name: string, version: number): Promise<number>;
  /** Deletes every version of a name; returns how many were removed. */
  deleteName(model: Pick<ModelRef, "type" | "id">, name: string): Promise<number>;
  /** Every complete version in the datastore (for catalog backfill); the versions of one name come one after another. */
  walk(): AsyncIterable<StoredVersion>;
}
