import { checkRenameNames, dataRename } from "../../core/use-cases/data-rename.ts";
import { defineCommand, modelArgument, type OptsOf, selectModel, text } from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { selectModelType } from "./selectors.ts";
import { modelLeases, openRepo, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  ...selectModelType,
  newName: text("--new-name <name>", "new data name"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "rename a data record: copy the latest to the new name and leave a tombstone behind",
  arguments: [
    modelArgument,
    { syntax: "[old]", description: "current data name" },
    { syntax: "[new]", description: "new data name" },
  ],
  examples: ["swamp data rename vpc main primary"],
  options,
  run,
});

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
  checkRenameNames(oldName, newName);
  const ctx = await openRepo(inv);
  const model = await requireModel(ctx, modelRef, inv.opts.modelType);
  const result = await dataRename(
    {
      repo: ctx.data(),
      catalog: ctx.catalogWriteThrough(),
      withModelLeases: modelLeases(ctx, inv.signal),
      clock: ctx.clock,
    },
    { model, oldName, newName },
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
