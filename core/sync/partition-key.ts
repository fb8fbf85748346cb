import { MODEL_ID_PATTERN } from "../data-path.ts";

/**
 * Which index shard a cache-relative path belongs to (docs/architecture.md, "Bucket layout").
 * Derived from the parsed path, not from segment counts, so a model's `latest` marker lands in
 * the model's shard: `data/{type…}/{modelId}/…` → `data--{type…}--{modelId}`.
 */
const MODEL_SUBDIRS: ReadonlySet<string> = new Set(["data", "outputs", "definitions-evaluated"]);
const SEPARATOR = "--";

export const ROOT_PARTITION = "_root";

export function partitionKey(rel: string): string {
  const segments = rel.split("/");
  const dirs = segments.slice(0, -1);
  const subdir = dirs[0];
  if (subdir === undefined) return ROOT_PARTITION;
  if (MODEL_SUBDIRS.has(subdir)) {
    // The model id is the first UUID-like directory after the type segments.
    const idAt = dirs.findIndex((segment, i) => i >= 2 && MODEL_ID_PATTERN.test(segment));
    const upTo = idAt === -1 ? Math.min(dirs.length, 3) : idAt + 1;
    return dirs.slice(0, upTo).join(SEPARATOR);
  }
  if (subdir === "workflow-runs") return dirs.slice(0, 2).join(SEPARATOR);
  return subdir;
}

/**
 * The partition of every path under the folder `dir`, when its own segments settle it (a model's
 * folder down to its id, a run's folder, any other top-level folder); null when paths under it may
 * fall in several partitions.
 */
export function childrenPartition(dir: string): string | null {
  const segments = dir.split("/");
  const subdir = segments[0] as string;
  if (subdir === "") return null;
  if (MODEL_SUBDIRS.has(subdir)) {
    const idAt = segments.findIndex((segment, i) => i >= 2 && MODEL_ID_PATTERN.test(segment));
    return idAt === -1 ? null : segments.slice(0, idAt + 1).join(SEPARATOR);
  }
  if (subdir === "workflow-runs") return segments.length >= 2 ? segments.slice(0, 2).join(SEPARATOR) : null;
  return subdir;
}
