import type { ModelDefinition } from "../data-record.ts";
import { checkOwnership, validateDataName } from "../data-rules.ts";
import { notFound, SwampError } from "../errors.ts";
import type { Clock } from "../ports/clock.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import type { CatalogWriteThrough } from "./catalog-write-through.ts";
import { assertStillHeld, type WithModelLeases } from "./model-leases.ts";

export interface DataRenameDeps {
  repo: DataRepository;
  catalog: CatalogWriteThrough;
  withModelLeases: WithModelLeases;
  clock: Pick<Clock, "now">;
}

export interface DataRenameInput {
  model: ModelDefinition;
  oldName: string;
  newName: string;
}

export interface DataRenameResult {
  /** The old name's version that was copied (its latest). */
  copiedVersion: number;
  /** The copy's version under the new name. */
  newVersion: number;
  /** The new name already had versions: the copy is the next one. */
  overwrote: boolean;
}

/** The new name must be a valid data name, and another name. Checked before anything is opened. */
export function checkRenameNames(oldName: string, newName: string): void {
  validateDataName(newName);
  if (newName === oldName)
    throw new SwampError("usage", `The new name is the old name ("${oldName}"); pick another.`);
}

/**
 * `swamp data rename` (docs/architecture.md, "Writing data"): under the model's lease, copies the
 * old name's latest version to the new name, then leaves a tombstone under the old name pointing
 * to it (`lifecycle: "deleted"`, `renamedTo`). Both go through to the catalog.
 */
export async function dataRename(deps: DataRenameDeps, input: DataRenameInput): Promise<DataRenameResult> {
  const { model, oldName, newName } = input;
  checkRenameNames(oldName, newName);
  const { repo } = deps;
  return deps.withModelLeases(
    [model],
    async (signal) => {
      const latest = await repo.latest(model, oldName);
      if (!latest || latest.lifecycle === "deleted") {
        throw notFound(
          "Data",
          `${oldName} of model ${model.name}`,
          `List what exists with 'swamp data list ${model.name}'.`,
        );
      }
      const content = (await repo.readContent(model, oldName, latest.version)) ?? new Uint8Array();
      const target = await repo.latest(model, newName);
      checkOwnership(
        target?.lifecycle === "deleted" ? undefined : target?.ownerDefinition,
        latest.ownerDefinition,
        { dataName: newName },
      );
      assertStillHeld(signal);
      const fields = {
        contentType: latest.contentType,
        lifetime: latest.lifetime,
        garbageCollection: latest.garbageCollection,
        streaming: latest.streaming,
        ownerDefinition: latest.ownerDefinition,
      };
      const copied = await repo.write(model, newName, content, {
        ...fields,
        tags: { ...latest.tags, specName: newName },
      });
      await deps.catalog.written(model, copied);
      const renamedAt = new Date(deps.clock.now()).toISOString();
      const tombstone = new TextEncoder().encode(JSON.stringify({ renamedTo: newName, renamedAt }));
      const left = await repo.write(model, oldName, tombstone, {
        ...fields,
        contentType: "application/json",
        tags: latest.tags,
        lifecycle: "deleted",
        renamedTo: newName,
      });
      await deps.catalog.written(model, left);
      return { copiedVersion: latest.version, newVersion: copied.version, overwrote: target !== null };
    },
    "data rename",
  );
}
