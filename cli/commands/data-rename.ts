import { checkOwnership, validateDataName } from "../../core/data-rules.ts";
import { SwampError } from "../../core/errors.ts";
import { assertStillHeld } from "../../core/use-cases/model-leases.ts";
import type { Invocation } from "../run.ts";
import { modelLeases, openRepo, pick, requireModel } from "./shared.ts";

interface Opts {
  model?: string;
  newName?: string;
}

/** Copies the latest version to the new name, then leaves a tombstone under the old name pointing to it. */
export async function run(inv: Invocation<Opts>): Promise<void> {
  const modelRef = pick(inv.args[0], inv.opts.model, "model", "swamp data rename vpc main primary");
  const oldName = pick(inv.args[1], undefined, "old name", `swamp data rename ${modelRef} main primary`);
  const newName = pick(
    inv.args[2],
    inv.opts.newName,
    "new name",
    `swamp data rename ${modelRef} ${oldName} primary`,
  );
  validateDataName(newName);
  if (newName === oldName)
    throw new SwampError("usage", `The new name is the old name ("${oldName}"); pick another.`);
  const ctx = await openRepo(inv);
  const model = await requireModel(ctx, modelRef);
  const repo = ctx.data();
  const catalog = ctx.catalogWriteThrough();

  const result = await modelLeases(ctx, inv.signal)(
    [model],
    async (signal) => {
      const latest = await repo.latest(model, oldName);
      if (!latest || latest.lifecycle === "deleted") {
        throw new SwampError(
          "not_found",
          `Data not found: ${oldName} of model ${model.name}. List what exists with 'swamp data list ${model.name}'.`,
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
      await catalog.written(model, copied);
      const renamedAt = new Date(ctx.clock.now()).toISOString();
      const tombstone = new TextEncoder().encode(JSON.stringify({ renamedTo: newName, renamedAt }));
      const left = await repo.write(model, oldName, tombstone, {
        ...fields,
        contentType: "application/json",
        tags: latest.tags,
        lifecycle: "deleted",
        renamedTo: newName,
      });
      await catalog.written(model, left);
      return { copiedVersion: latest.version, newVersion: copied.version, overwrote: target !== null };
    },
    "data rename",
  );
  const doc = {
    oldName,
    newName,
    modelId: model.id,
    modelName: model.name,
    modelType: model.type,
    copiedVersion: result.copiedVersion,
    newVersion: result.newVersion,
    warning: result.overwrote
      ? `"${newName}" already existed; the copy is its version ${result.newVersion}.`
      : null,
  };
  inv.out.result(
    doc,
    () =>
      `Renamed ${oldName} → ${newName} (v${result.copiedVersion} copied as v${result.newVersion}) for ${model.name}${doc.warning ? `\nWarning: ${doc.warning}` : ""}`,
  );
}
