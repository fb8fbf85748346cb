import { type DatastoreBackend, localPathOf } from "./backends/registry.ts";
import { SwampError } from "./errors.ts";
import { joinPosix } from "./posix-path.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** `$SWAMP_HOME` when set, else `{home}/.swamp`. */
export function swampDataDir(env: Env, homeDir: string): string {
  const home = env.SWAMP_HOME;
  return home !== undefined && home !== "" ? joinPosix(home) : joinPosix(homeDir, ".swamp");
}

/**
 * The data-tier base: a folder datastore's path, or for a remote store its local cache
 * `{swampData}/repos/{repoId}`. Without a repoId this throws instead of falling back to a
 * shared "unknown" dir, which repos would then trample (docs/architecture.md, "Datastore tree").
 */
export function dataTierBase(
  backend: DatastoreBackend,
  context: { env: Env; homeDir: string; repoId: string | undefined },
): string {
  const local = localPathOf(backend);
  if (local !== null) return local;
  if (context.repoId === undefined || context.repoId === "") {
    throw new SwampError(
      "config_invalid",
      "This repository has no repoId in .swamp.yaml, so its datastore cache cannot be located. Run 'swamp repo init' in the repo to add one.",
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(context.repoId)) {
    throw new SwampError(
      "config_invalid",
      `The repoId "${context.repoId}" in .swamp.yaml is not a plain id (letters, digits, ".", "_", "-"). Restore the original repoId, or remove it and run 'swamp repo init' to create a new one.`,
    );
  }
  return joinPosix(swampDataDir(context.env, context.homeDir), "repos", context.repoId);
}
