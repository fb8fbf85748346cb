import { editRepoConfig, readRepoConfig } from "../../adapters/fs/repo-config-file.ts";
import { isRecord } from "../../core/backends/config-fields.ts";
import { SwampError } from "../../core/errors.ts";
import { listNamespaces } from "../../core/use-cases/namespace-registry.ts";
import { defineCommand, flag, type OptsOf } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { migrateConfirm, renderMigration, runNamespaceMigration } from "./datastore-namespace-migrate.ts";
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
  await refuseSharedDatastore(ctx, inv.signal);
  const unsetted = (extra: string[] = []) => [
    `Namespace unset (was "${previous}")`,
    ...extra,
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
    renderMigration(inv, { ...doc, previousNamespace: previous }, COMMAND, unsetted());
    return;
  }

  await ctx.withStructuralNoSync("namespace unset", inv.signal, () => unsetNamespace(ctx));
  const root = ctx.resolver.datastoreRoot();
  inv.out.result({ previousNamespace: previous }, () =>
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

/** Unsetting is for a datastore this repo's namespace has to itself: with others there, solo mode would mix with them. */
async function refuseSharedDatastore(ctx: RepoContext, signal: AbortSignal): Promise<void> {
  const entries = await listNamespaces(await ctx.store(), ctx.namespace, signal);
  // Folders without a manifest are not namespaces of any repo (the repo's own is listed either way).
  const namespaces = entries
    .filter((e) => e.state !== "missing" || e.namespace === ctx.namespace)
    .map((e) => e.namespace);
  if (namespaces.length <= 1) return;
  throw new SwampError(
    "validation_failed",
    `Cannot unset namespace: datastore contains ${namespaces.length} namespaces (${namespaces.join(", ")}). Unsetting is only allowed when a single namespace exists. Keep the namespace, or point this repo at a datastore of its own first ('swamp datastore setup …').`,
  );
}
