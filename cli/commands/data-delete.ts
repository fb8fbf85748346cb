import { SwampError } from "../../core/errors.ts";
import { dataDelete, planDataDelete } from "../../core/use-cases/data-delete.ts";
import {
  confirm,
  defineCommand,
  dryRun,
  flag,
  modelArgument,
  nameArgument,
  type OptsOf,
  selectModel,
  selectName,
  text,
} from "../command-spec.ts";
import { confirmed } from "../confirm.ts";
import type { Invocation } from "../run.ts";
import { nonEmptyOption, selectModelType } from "./selectors.ts";
import { modelLeases, openRepo, parsePositiveInt, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  ...selectModelType,
  ...selectName,
  version: text("--version <n>", "delete only this version"),
  prefix: text("--prefix <prefix>", "delete every name starting with this prefix"),
  all: flag("--all", "delete every name of the model"),
  ...dryRun,
  ...confirm,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "delete a version, a whole name, or names by prefix (takes the model's lease)",
  arguments: [modelArgument, nameArgument],
  examples: [
    "swamp data delete vpc main --yes",
    "swamp data delete vpc main --version 1 -y",
    "swamp data delete vpc --prefix tmp- --dry-run",
  ],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const { opts } = inv;
  const modelRef = pick(inv.args[0], opts.model, "model", "swamp data delete vpc main --yes");
  const prefix = nonEmptyOption(
    opts.prefix,
    "--prefix",
    `an empty prefix matches every name, so nothing was deleted. Give the start of the names to delete (e.g. swamp data delete ${modelRef} --prefix tmp- --dry-run), or --all to delete every name.`,
  );
  const batch = prefix !== undefined || opts.all === true;
  const name = batch
    ? undefined
    : pick(inv.args[1], opts.name, "name", `swamp data delete ${modelRef} main --yes`);
  if (batch && (inv.args[1] ?? opts.name) !== undefined) {
    throw new SwampError("usage", "Give either a data name or --prefix/--all, not both.");
  }
  if (batch && opts.version !== undefined)
    throw new SwampError(
      "usage",
      "--version deletes one version of one name; it cannot be combined with --prefix or --all.",
    );
  const version = opts.version === undefined ? undefined : parsePositiveInt(opts.version, "--version");

  const ctx = await openRepo(inv);
  await ctx.pullBeforePlan(inv.signal);
  const model = await requireModel(ctx, modelRef, opts.modelType);
  const repo = ctx.data();
  const base = { modelId: model.id, modelName: model.name, modelType: model.type };
  const plan = await planDataDelete(
    repo,
    model,
    batch
      ? { kind: "batch", ...(prefix !== undefined ? { prefix } : {}), all: opts.all === true }
      : { kind: "name", name: name as string, ...(version !== undefined ? { version } : {}) },
  );
  const { names, versions: planned } = plan;

  const go =
    opts.dryRun !== true &&
    (await confirmed(
      inv.out,
      opts.yes || opts.force,
      `About to delete ${planned} version(s) of ${batch ? `${names.length} name(s)` : `"${name}"`} from ${model.name}. Proceed?`,
    ));
  if (!go) {
    const preview = batch
      ? { ...base, wouldDelete: names.length, wouldDeleteVersions: planned, dryRun: true, names }
      : {
          ...base,
          name,
          dataName: name,
          ...(version !== undefined ? { version } : {}),
          wouldDelete: planned,
          dryRun: true,
        };
    inv.out.result(
      preview,
      () =>
        `Would delete ${planned} version(s) of ${names.join(", ") || "nothing"} from ${model.name}. Run again with --yes to delete.`,
    );
    return;
  }

  const { namesDeleted, versionsDeleted, failed } = await dataDelete(
    { repo, catalog: ctx.catalogWriteThrough(), withModelLeases: modelLeases(ctx, inv.signal) },
    plan,
  );
  const doc = batch
    ? {
        ...base,
        totalDeleted: namesDeleted,
        totalVersionsDeleted: versionsDeleted,
        failed: failed.map((f) => ({ name: f.dataName, ...f })),
        dryRun: false,
      }
    : { ...base, name, dataName: name, ...(version !== undefined ? { version } : {}), versionsDeleted };
  inv.out.result(
    doc,
    () =>
      `Deleted ${versionsDeleted} version(s) of ${batch ? `${namesDeleted} name(s)` : `"${name}"`} from ${model.name}${failed.length ? `; ${failed.length} failed: ${failed.map((f) => `${f.dataName}: ${f.error}`).join("; ")}` : ""}`,
  );
  if (failed.length) process.exitCode = 1;
}
