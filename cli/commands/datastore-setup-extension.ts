import { homedir } from "node:os";
import { listOr } from "../../core/backends/config-fields.ts";
import { allBackends, isRemoteBackend } from "../../core/backends/registry.ts";
import { backendOf, resolveDatastoreConfig } from "../../core/datastore-config.ts";
import { SwampError } from "../../core/errors.ts";
import { defineCommand, type OptsOf, text } from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { remoteSetupOptions, setupRemote } from "./datastore-setup-remote.ts";

const options = {
  config: text("--config <json>", "the type's config as JSON", { required: true }),
  ...remoteSetupOptions,
};
type Opts = OptsOf<typeof options>;

const remote = allBackends().filter((d) => d.placement.kind === "remote");

export const command = defineCommand({
  description: "the reference's form: a datastore type and its JSON config",
  arguments: [
    {
      syntax: "<type>",
      description: listOr([...remote.map((d) => d.kind), ...remote.flatMap((d) => d.aliases)]),
    },
  ],
  options,
  examples: [
    `swamp ds setup extension @swamp/s3-datastore --config '{"bucket":"team-bucket","region":"us-east-1"}'`,
  ],
  run,
});

/** The reference's form: `setup extension @swamp/s3-datastore --config '{"bucket": …}'`. */
export function run(inv: Invocation<Opts>): Promise<void> {
  const [type = ""] = inv.args;
  let config: unknown;
  try {
    config = JSON.parse(inv.opts.config);
  } catch (e) {
    throw new SwampError(
      "usage",
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
