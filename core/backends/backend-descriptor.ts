/**
 * What swamp knows about one datastore backend, apart from opening it (that is its adapter's
 * part: adapters/backends/backend-adapter.ts). Every member is required, so a backend that
 * misses a part does not compile. The registry (registry.ts) looks descriptors up by kind;
 * the generic resolution (datastore-config.ts) reads them and names no backend. See
 * docs/architecture.md, "Backends".
 */

type Env = Readonly<Record<string, string | undefined>>;

/** A config as written by a person (`.swamp.yaml`, `SWAMP_DATASTORE`), before validation. */
export type RawConfig = Record<string, unknown>;

/** The keys of a backend's config, `kind` aside. */
export type ConfigKey<C> = Exclude<keyof C, "kind"> & string;

export interface ParseContext {
  env: Env;
  homeDir: string;
  /** Relative paths are resolved against it. */
  repoDir: string;
  /** Each problem found, as "<key> must …"; all are reported together, and then the result is ignored. */
  issues: string[];
}

/** An option of `swamp datastore setup <name>`, in commander's syntax: `--bucket <name>`, `--force-path-style`. */
export interface SetupFlag {
  flags: string;
  help: string;
  required?: boolean;
  /** Shown in the help, and the value when the option is not given. */
  default?: string;
}

/** The flags of `datastore setup`, by commander's camelCase names (`--api-endpoint` is `apiEndpoint`). */
export type SetupOpts = Readonly<Record<string, unknown>>;

/** One `swamp datastore setup <name>` subcommand: its flags, their help, and the config they make. */
export interface SetupCommand<C> {
  name: string;
  description: string;
  /** In the order the help lists them; setup's own options (namespace, migration…) follow. */
  flags: readonly SetupFlag[];
  examples: readonly string[];
  /** The flags as a config, not yet validated: setup checks it as `.swamp.yaml` will read it back. */
  toConfig(opts: SetupOpts): C;
}

/** A bucket's address, for messages, status and the key of its local cache. */
export interface BucketLocation {
  bucket: string;
  prefix?: string;
  /** An S3-compatible server, an emulator…; absent for the provider's own. */
  endpoint?: string;
}

/** How hard a remote store is driven: each from the config, the env, or a default (core/tunables.ts). */
export interface RemoteTunables {
  requestTimeoutMs: number;
  pullConcurrency: number;
  pushConcurrency: number;
}

/** A folder used in place: the datastore is the folder, nothing is synced. */
export interface LocalPlacement<C> {
  kind: "local";
  path(config: C): string;
  /** The same config pointing at another folder (`datastore setup` writes the path it resolved). */
  withPath(config: C, path: string): C;
}

/** A bucket behind a local cache (`~/.swamp/repos/{repoId}`), synced by the sync engine. */
export interface RemotePlacement<C> {
  kind: "remote";
  location(config: C): BucketLocation;
  tunables(config: C, env: Env): RemoteTunables;
}

export type Placement<C> = LocalPlacement<C> | RemotePlacement<C>;

export interface BackendDescriptor<C extends { kind: string }> {
  /** `datastore.type` in `.swamp.yaml`, the `<type>:` of `SWAMP_DATASTORE`, `type` in JSON output. */
  readonly kind: C["kind"];
  /** For messages: "S3", "GCS". */
  readonly label: string;
  /** Other type names that select it (the reference's extension names). */
  readonly aliases: readonly string[];
  /** The keys its config accepts, in the order they are written; others are warned about and ignored. */
  readonly configKeys: readonly ConfigKey<C>[];
  /** The `SWAMP_DATASTORE` short form `<kind>:<syntax>` (the JSON form `<kind>:{…}` is generic). */
  readonly shortForm: {
    /** For the format hint: "/path/to/dir", "bucket[/prefix]". */
    readonly syntax: string;
    parse(rest: string): RawConfig;
  };
  /** Its `.swamp.yaml` form: `datastore.type` (its kind or an alias) and `datastore.config`, except: */
  readonly yaml: {
    /** Config keys written, and read first, at the block's top level (`datastore.path`). */
    readonly topLevelKeys?: readonly ConfigKey<C>[];
    /** An older form: config keys at the top level, read only for the type named exactly `kind`, never with `datastore.config`. */
    readonly legacyTopLevelKeys?: readonly ConfigKey<C>[];
  };
  /** Validates a raw config (from either source) into its config; problems go to `context.issues`. */
  parse(raw: RawConfig, context: ParseContext): C;
  readonly placement: Placement<C>;
  /** Its `swamp datastore setup` subcommands, in the order the help lists them. */
  readonly setup: readonly SetupCommand<C>[];
}
