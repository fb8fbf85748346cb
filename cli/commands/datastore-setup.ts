import type { Placement, SetupCommand, SetupFlag } from "../../core/backends/backend-descriptor.ts";
import type { DatastoreBackend } from "../../core/datastore-config.ts";
import { type CommandSpec, defineCommand, flag, type OptionSpec, text } from "../command-spec.ts";
import { localSetupOptions, setupLocal } from "./datastore-setup-local.ts";
import { remoteSetupOptions, setupRemote } from "./datastore-setup-remote.ts";

/**
 * `swamp datastore setup <name>` from a backend's descriptor (docs/architecture.md, "Backends"):
 * its flags make the config, then come setup's own options for a folder used in place or for a
 * bucket behind the cache.
 */
export function setupCommand(
  placement: Placement<DatastoreBackend>,
  setup: SetupCommand<DatastoreBackend>,
): CommandSpec {
  const flags = Object.fromEntries(setup.flags.map((f) => [attributeName(f.flags), optionOf(f)]));
  const common = { description: setup.description, examples: setup.examples };
  if (placement.kind === "local") {
    return defineCommand({
      ...common,
      options: { ...flags, ...localSetupOptions },
      run: (inv) => setupLocal(inv, placement, setup.toConfig(inv.opts)),
    });
  }
  return defineCommand({
    ...common,
    options: { ...flags, ...remoteSetupOptions },
    run: (inv) => setupRemote(inv, setup.toConfig(inv.opts)),
  });
}

/** A descriptor's flag: one taking a value (`--bucket <name>`) or a switch (`--force-path-style`). */
function optionOf(f: SetupFlag): OptionSpec {
  if (!/[<[]/.test(f.flags)) return flag(f.flags, f.help);
  return text(f.flags, f.help, {
    ...(f.required ? { required: true } : {}),
    ...(f.default !== undefined ? { default: f.default } : {}),
  });
}

/** The name a handler reads a flag under, as commander derives it: `--api-endpoint` → `apiEndpoint`. */
function attributeName(flags: string): string {
  const long = /--([a-z0-9-]+)/i.exec(flags)?.[1] ?? flags;
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
