import { flag } from "../command-spec.ts";

/** The option of every read of records (docs/architecture.md, "Command line"); see RepoContext.freshRead. */
export const offline = {
  offline: flag(
    "--offline",
    "read the local cache as it is, without asking a remote store what changed (also SWAMP_OFFLINE=1)",
  ),
} as const;
