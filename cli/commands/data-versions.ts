import { SwampError } from "../../core/errors.ts";
import {
  defineCommand,
  modelArgument,
  nameArgument,
  type OptsOf,
  selectModel,
  selectName,
} from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { offline } from "./offline.ts";
import { selectModelType } from "./selectors.ts";
import { formatSize, openRepo, pick, requireModel } from "./shared.ts";

const options = { ...selectModel, ...selectModelType, ...selectName, ...offline };
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "list every version of a data record, newest first",
  arguments: [modelArgument, nameArgument],
  examples: ["swamp data versions vpc main"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const modelRef = pick(inv.args[0], inv.opts.model, "model", "swamp data versions vpc main");
  const name = pick(inv.args[1], inv.opts.name, "name", `swamp data versions ${modelRef} main`);
  const ctx = await openRepo(inv);
  await ctx.freshRead(inv.opts.offline, inv.signal);
  const model = await requireModel(ctx, modelRef, inv.opts.modelType);
  const repo = ctx.data();
  const numbers = (await repo.versions(model, name)).reverse();
  if (numbers.length === 0) {
    throw new SwampError(
      "not_found",
      `Data not found: ${name} of model ${model.name}. List what exists with 'swamp data list ${model.name}'.`,
    );
  }
  const metas = await Promise.all(numbers.map((v) => repo.get(model, name, v)));
  const versions = metas
    .filter((m) => m !== null)
    .map((m, i) => ({
      version: m.version,
      createdAt: m.createdAt,
      ...(m.size !== undefined ? { size: m.size } : {}),
      ...(m.checksum !== undefined ? { checksum: m.checksum } : {}),
      isLatest: i === 0,
    }));
  const doc = {
    name,
    dataName: name,
    modelId: model.id,
    modelName: model.name,
    modelType: model.type,
    versions,
    total: versions.length,
  };
  inv.out.result(doc, () =>
    [
      `Versions of ${name} (${model.name}, ${model.type}): ${versions.length}`,
      ...versions.map(
        (v) =>
          `  v${v.version}${v.isLatest ? " (latest)" : ""}  ${v.createdAt}  ${formatSize(v.size ?? 0)}  ${(v.checksum ?? "").slice(0, 12)}`,
      ),
    ].join("\n"),
  );
}
