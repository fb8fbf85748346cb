import { homedir } from "node:os";
import { isRemoteBackend } from "../../core/backends/registry.ts";
import { backendOf, resolveDatastoreConfig } from "../../core/datastore-config.ts";
import { SwampError } from "../../core/errors.ts";
import type { Invocation } from "../run.ts";
import { type RemoteSetupOpts, setupRemote } from "./datastore-setup-remote.ts";

interface Opts extends RemoteSetupOpts {
  config: string;
}

/** The reference's form: `setup extension @swamp/s3-datastore --config '{"bucket": …}'`. */
export function run(inv: Invocation<Opts>): Promise<void> {
  const [type = ""] = inv.args;
  let config: unknown;
  try {
    config = JSON.parse(inv.opts.config);
  } catch (e) {
    throw new SwampError(
      "validation_failed",
      `Invalid JSON in --config for datastore type "${type}": ${(e as Error).message}. Example: --config '{"bucket":"team-bucket","prefix":"swamp"}'`,
    );
  }
  const { SWAMP_DATASTORE: _ignored, ...env } = process.env;
  const resolved = resolveDatastoreConfig({
    env,
    yamlDatastore: { type, config },
    repoDir: process.cwd(),
    homeDir: env.HOME || homedir(),
  });
  const backend = backendOf(resolved);
  if (!isRemoteBackend(backend)) {
    throw new SwampError("usage", "For a folder, run 'swamp datastore setup filesystem --path <dir>'.");
  }
  return setupRemote(inv, backend);
}
