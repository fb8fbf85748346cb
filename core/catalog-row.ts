import type { DataMetadata, ModelKey } from "./data-record.ts";
import type { CatalogRow } from "./ports/catalog.ts";

/**
 * The catalog row of one data version (docs/architecture.md, "Catalog"): names from tags,
 * provenance from the owner.
 */
export function toCatalogRow(
  namespace: string,
  model: ModelKey,
  meta: DataMetadata,
  isLatest: boolean,
): CatalogRow {
  const owner = meta.ownerDefinition;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta.tags)) {
    if (value !== undefined) tags[key] = value;
  }
  return {
    namespace,
    typeNormalized: model.type,
    modelId: model.id,
    dataName: meta.name,
    id: meta.id,
    version: meta.version,
    isLatest,
    modelName: meta.tags.modelName ?? "",
    specName: meta.tags.specName ?? "",
    dataType: meta.tags.type ?? "",
    contentType: meta.contentType ?? "",
    lifetime: meta.lifetime ?? "",
    ownerType: owner?.ownerType ?? "",
    streaming: meta.streaming === true,
    size: meta.size ?? 0,
    createdAt: meta.createdAt,
    tags,
    ownerRef: owner?.ownerRef ?? "",
    workflowRunId: owner?.workflowRunId ?? "",
    workflowName: owner?.workflowName ?? "",
    jobName: owner?.jobName ?? "",
    stepName: owner?.stepName ?? "",
    source: owner?.source ?? "",
  };
}
