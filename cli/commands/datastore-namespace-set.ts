import { editRepoConfig, readRepoConfig } from "../../adapters/fs/repo-config-file.ts";
import { defaultBackend } from "../../core/backends/registry.ts";
import { toYamlDatastoreBlock } from "../../core/datastore-config.ts";
import { anySignal } from "../../core/deadline.ts";
import { Namespace } from "../../core/namespace.ts";
import { setNamespace } from "../../core/use-cases/namespace-set.ts";
import { findRootData } from "../../core/use-cases/namespace-survey.ts";
import { defineCommand, type OptsOf } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "register a namespace for this repo in the datastore and use it (moves nothing)",
  arguments: [
    {
      syntax: "<slug>",
      description: "lowercase letters, digits and inner hyphens, at most 64",
      mayStartWithDash: true,
    },
  ],
  examples: [
    "swamp datastore namespace set infra",
    "swamp ds namespace set security --json",
    "swamp datastore namespace migrate --confirm   # then move existing data under it",
  ],
  epilogue:
    "\nThe slug is registered in the datastore ({ns}/.namespace.json) before .swamp.yaml changes;\na slug another repo registered is refused, naming that repo.\n",
  options,
  run,
});

const OLD_DATA_WARNING =
  "Existing data remains at the old un-namespaced path. Run 'swamp datastore namespace migrate --confirm' to move it to the namespaced layout.";

export async function run(inv: Invocation<Opts>): Promise<void> {
  const slug = inv.args[0] ?? "";
  const ctx = await openRepo(inv);
  const store = await ctx.store();
  const current = ctx.namespace;
  const outcome = await setNamespace(
    {
      store,
      clock: ctx.clock,
      underLease: (fn) => {
        // The new namespace's own global lease: a switch never waits on the namespace it leaves.
        const target = ctx.withDatastore({ ...ctx.config, namespace: Namespace.of(slug) });
        return target.withStructuralNoSync("datastore namespace set", inv.signal, (lease) =>
          fn(anySignal(inv.signal, lease.signal)),
        );
      },
      saveNamespace: (namespace) => saveNamespace(ctx, namespace),
    },
    { slug, current, repoId: ctx.repoId },
    inv.signal,
  );
  if (outcome.previousNamespace) {
    inv.out.info(`Changing namespace from ${outcome.previousNamespace} to ${outcome.namespace}`);
  }
  const warning = (await oldDataRemains(ctx, outcome.namespace, inv.signal)) ? OLD_DATA_WARNING : undefined;
  if (ctx.env.SWAMP_NAMESPACE) {
    inv.out.warn(
      `SWAMP_NAMESPACE is set ("${ctx.env.SWAMP_NAMESPACE}") and overrides .swamp.yaml; unset it to use the namespace just set.`,
    );
  }
  const doc = {
    namespace: outcome.namespace,
    ...(outcome.previousNamespace ? { previousNamespace: outcome.previousNamespace } : {}),
    datastorePath: ctx.isRemote ? store.description : ctx.datastoreBase,
    ...(warning ? { warning } : {}),
    registrationSkipped: false,
  };
  inv.out.result(doc, () =>
    [
      outcome.reregistered
        ? `Namespace "${doc.namespace}" registered again (it had no manifest); .swamp.yaml unchanged`
        : `Namespace set to "${doc.namespace}"`,
      `  Datastore: ${doc.datastorePath}`,
      ...(warning ? [inv.out.paint("33", `Warning: ${warning}`)] : []),
    ].join("\n"),
  );
}

/**
 * `datastore.namespace` in `.swamp.yaml`. A repo without a datastore block gets the default
 * folder's, relative to the repo (`.swamp`) so that every checkout reads it the same.
 */
async function saveNamespace(ctx: RepoContext, namespace: string): Promise<void> {
  const file = await readRepoConfig(ctx.repoDir);
  const edit =
    file.datastore === undefined
      ? {
          path: ["datastore"],
          value: toYamlDatastoreBlock(defaultBackend("."), { namespace: Namespace.of(namespace) }),
        }
      : { path: ["datastore", "namespace"], value: namespace };
  await editRepoConfig(ctx.repoDir, [edit]);
}

/** Root data of the namespace just set: in the datastore, or, for a bucket, in its cache too. */
async function oldDataRemains(ctx: RepoContext, namespace: string, signal: AbortSignal): Promise<boolean> {
  const { resolver } = ctx.withDatastore({ ...ctx.config, namespace: Namespace.of(namespace) });
  const stores = ctx.isRemote ? [await ctx.store(), await ctx.cacheStore()] : [await ctx.store()];
  for (const store of stores) {
    if ((await findRootData(store, resolver, signal, 1)).length > 0) return true;
  }
  return false;
}
