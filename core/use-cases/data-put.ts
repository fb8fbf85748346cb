import type { DataMetadata, ModelDefinition, OwnerDefinition } from "../data-record.ts";
import {
  checkOwnership,
  inferContentType,
  validateDataName,
  validateGcPolicy,
  validateLifetime,
} from "../data-rules.ts";
import { invalid, notFound } from "../errors.ts";
import { normalizeModelType } from "../model-type.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import type { ModelRegistry } from "../ports/model-registry.ts";
import type { CatalogWriteThrough } from "./catalog-write-through.ts";
import { assertStillHeld, type WithModelLeases } from "./model-leases.ts";

export interface DataPutInput {
  model: string;
  name: string;
  /** Read under the model's lease, so a slow source never races another writer's version. */
  content: () => Promise<Uint8Array>;
  /** Used to infer the content type. */
  fileName?: string;
  contentType?: string;
  modelType?: string;
  kind: string;
  spec?: string;
  tags: Record<string, string>;
  lifetime: string;
  gc: string;
  adopt: boolean;
}

export interface DataPutDeps {
  models: ModelRegistry;
  repo: DataRepository;
  catalog: CatalogWriteThrough;
  withModelLeases: WithModelLeases;
  namespace: string;
}

export interface DataPutResult {
  id: string;
  name: string;
  modelId: string;
  modelName: string;
  modelType: string;
  namespace: string;
  version: number;
  size: number;
  checksum: string;
  contentType: string;
  createdAt: string;
}

/**
 * `swamp data put` (docs/architecture.md, "Writing data"): validate, resolve or create the model,
 * write one version under its lease.
 */
export async function dataPut(deps: DataPutDeps, input: DataPutInput): Promise<DataPutResult> {
  validateDataName(input.name);
  const lifetime = validateLifetime(input.lifetime);
  const garbageCollection = validateGcPolicy(input.gc);
  const model = await resolveOrCreateModel(deps.models, input.model, input.modelType);
  const owner: OwnerDefinition = { ownerType: "manual", ownerRef: `cli:${model.name}` };

  const meta = await deps.withModelLeases(
    [model],
    async (signal) => {
      const content = await input.content();
      const existing = await deps.repo.latest(model, input.name);
      checkOwnership(existing?.ownerDefinition, owner, { adopt: input.adopt, dataName: input.name });
      assertStillHeld(signal);
      const written = await deps.repo.write(model, input.name, content, {
        contentType: input.contentType ?? inferContentType(input.fileName, content),
        lifetime,
        garbageCollection,
        streaming: false,
        tags: { ...input.tags, type: input.kind, specName: input.spec ?? input.name, modelName: model.name },
        ownerDefinition: owner,
      });
      await deps.catalog.written(model, written, content);
      return written;
    },
    "data put",
  );
  return toResult(model, deps.namespace, meta);
}

/**
 * The model to write to. `--model-type` creates the model when no model has that name, and
 * chooses among models sharing it; a new type for an existing name is refused, so a second model
 * of the same name is never made by accident.
 */
async function resolveOrCreateModel(
  models: ModelRegistry,
  ref: string,
  modelType?: string,
): Promise<ModelDefinition> {
  if (modelType !== undefined) {
    const type = normalizeModelType(modelType);
    const found = await models.resolve(ref, type);
    if (found) return found;
    const others = await models.named(ref);
    // Another writer may have created this very model since `resolve` looked: it is the one.
    const created = others.find((m) => m.type === type);
    if (created) return created;
    if (others.length > 0) throw typeConflict(ref, type, others);
    return models.create(ref, type);
  }
  const found = await models.resolve(ref);
  if (found) return found;
  throw notFound(
    "Model",
    ref,
    `Pass --model-type to create it, e.g. 'swamp data put ${ref} <name> --model-type aws::ec2::vpc --value …'`,
  );
}

function typeConflict(ref: string, type: string, existing: ModelDefinition[]) {
  const types = existing.map((m) => m.type);
  const name = existing[0]?.name ?? ref;
  return invalid(
    `Model "${name}" already exists with type ${types.join(", ")}, not ${type}; nothing was written. To write to it, pass --model-type ${types[0]}${types.length === 1 ? " (or leave --model-type out)" : ""}; to create a separate model of type ${type}, give it another name, e.g. 'swamp data put ${name}-${type.split("/").pop()} <name> --model-type ${type} --value …'.`,
    { types, requested: type },
  );
}

function toResult(model: ModelDefinition, namespace: string, meta: DataMetadata): DataPutResult {
  return {
    id: meta.id,
    name: meta.name,
    modelId: model.id,
    modelName: model.name,
    modelType: model.type,
    namespace,
    version: meta.version,
    size: meta.size ?? 0,
    checksum: meta.checksum ?? "",
    contentType: meta.contentType,
    createdAt: meta.createdAt,
  };
}
