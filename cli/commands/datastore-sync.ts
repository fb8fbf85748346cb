import { SwampError } from "../../core/errors.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

interface Opts {
  timeout?: string;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  if (inv.opts.timeout !== undefined) parseTimeoutFlag(inv.opts.timeout);
  const ctx = await openRepo(inv);
  throw new SwampError(
    "sync_not_supported",
    `Datastore sync is only available for remote datastores (S3, GCS). Current datastore type: ${ctx.config.kind} — its data is already in place at ${ctx.datastoreBase}; nothing to sync.`,
  );
}
