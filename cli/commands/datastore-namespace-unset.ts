import { editRepoConfig, readRepoConfig } from "../../adapters/fs/repo-config-file.ts";
import { isRecord } from "../../core/backends/config-fields.ts";
import { SwampError } from "../../core/errors.ts";
import { listNamespaces } from "../../core/use-cases/namespace-registry.ts";
import { defineCommand, flag, type OptsOf } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { migrateConfirm, renderMigration, runNamespaceMigration } from "./datastore-namespace-migrate.ts";
import type { SetupWarning } from "./setup-common.ts";
import { openRepo } from "./shared.ts";

const options = {
  migrate: flag(
    "--migrate",
    "also move the namespace's data back to the solo layout (a preview unless --confirm)",
  ),
  ...migrateConfirm,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description:
    "return the repo to solo mode: removes datastore.namespace from .swamp.yaml (takes the namespace's lease)",
  examples: [
    "swamp datastore namespace unset",
    "swamp datastore namespace unset --migrate",
    "swamp datastore namespace unset --migrate --confirm --json",
  ],
  epilogue:
    "\nWithout --migrate the data and the namespace's manifest stay where they are. With --migrate --confirm the data\nmoves back first, .swamp.yaml changes only once the move is committed, and the manifest is removed.\n",
  options,
  run,
});

const COMMAND = "swamp datastore namespace unset --migrate";

async function run(inv: Invocation<Opts>): Promise<void> {
  const ctx = await openRepo(inv);
  const previous = ctx.namespace;
  if (previous === "")
    throw new SwampError("validation_failed", "No namespace is currently configured. Nothing to unset.");
  const warnings = await soloBesideOthers(ctx, inv.signal);
  const unsetted = (extra: string[] = []) => [
    `Namespace unset (was "${previous}")`,
    ...extra,
    ...warnings.map((w) => `Warning: ${w.message}`),
    ...(ctx.env.SWAMP_NAMESPACE
      ? ["Warning: SWAMP_NAMESPACE is set and still selects a namespace; unset it to work in solo mode."]
      : []),
  ];

  if (inv.opts.migrate) {
    const doc = await runNamespaceMigration(inv, ctx, {
      reverse: true,
      commit: () => unsetNamespace(ctx),
    });
    if (!doc.confirm) {
      renderMigration(inv, doc, COMMAND, [
        `Nothing was changed: the namespace stays "${previous}" until the move is confirmed.`,
      ]);
      return;
    }
    renderMigration(inv, { ...doc, previousNamespace: previous, warnings }, COMMAND, unsetted());
    return;
  }

  await ctx.withStructuralNoSync("namespace unset", inv.signal, () => unsetNamespace(ctx));
  const root = ctx.resolver.datastoreRoot();
  inv.out.result({ previousNamespace: previous, warnings }, () =>
    unsetted([
      `  Its data and manifest stay in ${root}; this repo now reads and writes the solo layout.`,
      `  To move the data back as well, run 'swamp datastore namespace set ${previous}', then 'swamp datastore namespace unset --migrate --confirm'.`,
    ]).join("\n"),
  );
}

/** Removes `datastore.namespace` from `.swamp.yaml`, and the `datastore` block when nothing else is left in it. */
async function unsetNamespace(ctx: RepoContext): Promise<void> {
  const { datastore } = await readRepoConfig(ctx.repoDir);
  const others = isRecord(datastore) ? Object.keys(datastore).filter((k) => k !== "namespace") : [];
  const path = others.length > 0 ? ["datastore", "namespace"] : ["datastore"];
  await editRepoConfig(ctx.repoDir, [{ path, value: undefined }]);
}

/**
 * Solo mode beside other namespaces never touches their folders (docs/architecture.md, "Which
 * files sync"), so unsetting there is allowed; the user is told where the data goes from now on.
 */
async function soloBesideOthers(ctx: RepoContext, signal: AbortSignal): Promise<SetupWarning[]> {
  const entries = await listNamespaces(await ctx.store(), ctx.namespace, signal);
  // Folders without a manifest are not namespaces of any repo.
  const others = entries
    .filter((e) => e.state !== "missing" && e.namespace !== ctx.namespace)
    .map((e) => e.namespace);
  if (others.length === 0) return [];
  return [
    {
      message: `${(await ctx.store()).description} also holds namespaces (${others.join(", ")}): this repo now uses the un-namespaced layout beside them and none of their data. To leave this datastore instead, run 'swamp datastore setup filesystem --path <dir>'.`,
      existingNamespaces: others,
    },
  ];
}
