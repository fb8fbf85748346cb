import { SwampError } from "../../core/errors.ts";
import { assertStillHeld } from "../../core/use-cases/model-leases.ts";
import { confirmed } from "../confirm.ts";
import type { Invocation } from "../run.ts";
import { nonEmptyOption } from "./selectors.ts";
import { modelLeases, openRepo, parsePositiveInt, pick, requireModel } from "./shared.ts";

interface Opts {
  model?: string;
  name?: string;
  version?: string;
  prefix?: string;
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
}

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
  const model = await requireModel(ctx, modelRef);
  const repo = ctx.data();
  const base = { modelId: model.id, modelName: model.name, modelType: model.type };

  const names = batch
    ? (await repo.names(model)).filter((n) => opts.all === true || n.startsWith(prefix ?? ""))
    : [name as string];
  const counts = await Promise.all(
    names.map(async (n) =>
      version === undefined
        ? (await repo.versions(model, n)).length
        : (await repo.versions(model, n)).includes(version)
          ? 1
          : 0,
    ),
  );
  const planned = counts.reduce((a, b) => a + b, 0);
  if (!batch && planned === 0) {
    const which = version === undefined ? `${name}` : `${name} v${version}`;
    throw new SwampError(
      "not_found",
      `Data not found: ${which} of model ${model.name}. List what exists with 'swamp data versions ${model.name} ${name}'.`,
    );
  }

  const go =
    opts.dryRun !== true &&
    (await confirmed(
      inv.out,
      opts.yes || opts.force,
      `About to delete ${planned} version(s) of ${batch ? `${names.length} name(s)` : `"${name}"`} from ${model.name}. Proceed?`,
    ));
  if (!go) {
    const preview = batch
      ? {
          ...base,
          totalDeleted: names.length,
          totalVersionsDeleted: planned,
          failed: [],
          dryRun: true,
          names,
        }
      : {
          ...base,
          dataName: name,
          ...(version !== undefined ? { version } : {}),
          versionsDeleted: planned,
          dryRun: true,
        };
    inv.out.result(
      preview,
      () =>
        `Would delete ${planned} version(s) of ${names.join(", ") || "nothing"} from ${model.name}. Run again with --yes to delete.`,
    );
    return;
  }

  const failed: { dataName: string; error: string }[] = [];
  let versionsDeleted = 0;
  let namesDeleted = 0;
  await modelLeases(ctx, inv.signal)(
    [model],
    async (signal) => {
      const catalog = ctx.catalogWriteThrough();
      for (const n of names) {
        assertStillHeld(signal);
        try {
          if (version !== undefined) {
            versionsDeleted += await repo.deleteVersion(model, n, version);
            await catalog.versionDeleted(model, n, version);
          } else {
            versionsDeleted += await repo.deleteName(model, n);
            await catalog.nameDeleted(model, n);
            namesDeleted++;
          }
        } catch (e) {
          if (!batch) throw e;
          failed.push({ dataName: n, error: (e as Error).message });
        }
      }
    },
    "data delete",
  );
  const doc = batch
    ? { ...base, totalDeleted: namesDeleted, totalVersionsDeleted: versionsDeleted, failed, dryRun: false }
    : { ...base, dataName: name, ...(version !== undefined ? { version } : {}), versionsDeleted };
  inv.out.result(
    doc,
    () =>
      `Deleted ${versionsDeleted} version(s) of ${batch ? `${namesDeleted} name(s)` : `"${name}"`} from ${model.name}${failed.length ? `; ${failed.length} failed: ${failed.map((f) => `${f.dataName}: ${f.error}`).join("; ")}` : ""}`,
  );
  if (failed.length) process.exitCode = 1;
}
