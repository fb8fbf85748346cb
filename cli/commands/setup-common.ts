import { FsFileTree } from "../../adapters/fs/fs-file-tree.ts";
import type { Namespace } from "../../core/namespace.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type { MigrationDir, MigrationProblem } from "../../core/use-cases/migrate.ts";
import { namespaceFolders, registerNamespace } from "../../core/use-cases/namespace-registry.ts";
import { text } from "../command-spec.ts";

export const RETRY_HINT = "Re-run the same command to retry. Local data is preserved and the retry is safe.";

/** One subdirectory to move, between two folders on this disk (docs/architecture.md, "Migration"). */
export function migrationDir(
  sub: string,
  from: string,
  to: string,
  deps: { clock: Clock; host: Host },
): MigrationDir {
  return { sub, source: new FsFileTree(from, deps), destination: new FsFileTree(to, deps) };
}

/**
 * A problem of the move as the setup commands print it; `where` names the destination (`at
 * {folder}`, `in the bucket's cache`).
 */
export function problemText(problem: MigrationProblem, where: string): string {
  if (problem.kind === "conflict")
    return `${problem.sub}/${problem.path} already exists ${where} with different content; move it away and re-run.`;
  return `${problem.sub}: ${problem.files} file(s) at the source but ${problem.landed} ${where}.`;
}

/** `--namespace <slug>` of every `datastore setup`. */
export const namespaceOption = {
  namespace: text(
    "--namespace <slug>",
    "this repo's namespace in the shared datastore (registered there first)",
  ),
};

/** A warning of `datastore setup`; `existingNamespaces` when the datastore already holds namespaces. */
export interface SetupWarning {
  message: string;
  existingNamespaces?: string[];
}

/**
 * Before anything is migrated or `.swamp.yaml` written: registers the repo's namespace in the
 * target datastore (a slug another repo holds is refused, naming it), or, without one, warns when
 * the datastore already holds namespaces (docs/architecture.md, "Namespaces").
 */
export async function claimNamespace(
  store: ObjectStore,
  namespace: Namespace,
  ctx: { repoId: string; clock: Clock },
  signal: AbortSignal,
): Promise<SetupWarning[]> {
  if (namespace.isSolo) {
    const existing = await namespaceFolders(store, signal);
    if (existing.length === 0) return [];
    return [
      {
        message: `${store.description} already holds namespaces (${existing.join(", ")}); this repo uses the un-namespaced layout beside them and none of their data. To join as a namespace instead, run this setup again with --namespace <slug>.`,
        existingNamespaces: existing,
      },
    ];
  }
  await registerNamespace(store, { namespace: namespace.slug, repoId: ctx.repoId }, ctx.clock, signal);
  return [];
}

/** Setup rewrote `.swamp.yaml`, but SWAMP_DATASTORE still wins over it. */
export function envWarnings(ctx: { config: { source: string } }): SetupWarning[] {
  return ctx.config.source === "env"
    ? [{ message: "SWAMP_DATASTORE is set and overrides .swamp.yaml; unset it to use the new datastore." }]
    : [];
}
