import type { BackendDescriptor, RawConfig } from "./backends/backend-descriptor.ts";
import { describe, isInteger, isRecord, listOr, pickDefined } from "./backends/config-fields.ts";
import {
  allBackends,
  DATASTORE_KINDS,
  type DatastoreBackend,
  DEFAULT_KIND,
  defaultBackend,
  descriptorOf,
  kindOfType,
} from "./backends/registry.ts";
import { DEFAULT_DATASTORE_SUBDIRS, isAlwaysLocalSubdir, isDatastoreSubdir } from "./datastore-subdirs.ts";
import { SwampError } from "./errors.ts";
import { Namespace } from "./namespace.ts";
import { joinPosix } from "./posix-path.ts";

export type { DatastoreBackend, DatastoreKind } from "./backends/registry.ts";

/** Where the backend came from: `SWAMP_DATASTORE`, the `.swamp.yaml` block, or the built-in default. */
export type ConfigSource = "env" | "yaml" | "default";

/** Repo-level settings; they always come from `.swamp.yaml`, whichever source picked the backend. */
export interface DatastoreSettings {
  namespace: Namespace;
  /** As configured; undefined means every default datastore subdir. */
  directories?: string[];
  exclude: string[];
  hydrationStrategy?: "full" | "lazy";
  syncTimeoutMs?: number;
  lockTimeoutMs?: number;
  source: ConfigSource;
  /** Non-fatal findings (ignored keys, ignored directories) for the CLI to print. */
  warnings: string[];
}

export type ResolvedDatastore = DatastoreBackend & DatastoreSettings;

export interface ResolveDatastoreInput {
  env: Readonly<Record<string, string | undefined>>;
  /** The parsed `datastore:` value of `.swamp.yaml`, or undefined when absent. */
  yamlDatastore: unknown;
  repoDir: string;
  homeDir: string;
}

/**
 * Resolves the datastore: `SWAMP_DATASTORE` > `.swamp.yaml` > the repo's `.swamp/` folder.
 * Backends are known only through their descriptors (core/backends/registry.ts).
 * Unlike the reference, the env form keeps namespace, directories and exclude from
 * `.swamp.yaml`; `SWAMP_NAMESPACE` overrides the namespace. Throws SwampError("config_invalid").
 */
export function resolveDatastoreConfig(input: ResolveDatastoreInput): ResolvedDatastore {
  const yamlFile = joinPosix(input.repoDir, ".swamp.yaml");
  const ctx: Context = { ...input, yamlFile, warnings: [] };
  const block = readBlock(input.yamlDatastore, ctx);
  const settings = parseSettings(block, ctx);

  let backend: DatastoreBackend;
  let source: ConfigSource;
  const envValue = nonEmpty(input.env.SWAMP_DATASTORE);
  if (envValue !== undefined) {
    backend = parseEnvDatastore(envValue, ctx);
    source = "env";
  } else if (
    block &&
    names(block, ["type", "config", ...TOP_LEVEL_KEYS], (v) => v !== undefined).length > 0
  ) {
    backend = parseYamlBackend(block, ctx);
    source = "yaml";
  } else {
    backend = defaultBackend(input.repoDir);
    source = "default";
  }

  const envNamespace = nonEmpty(input.env.SWAMP_NAMESPACE);
  if (envNamespace !== undefined) {
    settings.namespace = toNamespace(envNamespace, envOrigin("SWAMP_NAMESPACE"));
  }
  return { ...backend, ...settings, source, warnings: ctx.warnings };
}

/** The backend part of a resolved config (drops the repo-level settings). */
export function backendOf(config: ResolvedDatastore): DatastoreBackend {
  return pickKeys(descriptorOf(config), config);
}

/** The config's own keys, in its descriptor's order. */
function pickKeys<C extends { kind: string }>(descriptor: BackendDescriptor<C>, config: C): C {
  const picked: Partial<C> = { kind: config.kind } as Partial<C>;
  for (const key of descriptor.configKeys) picked[key] = config[key];
  return pickDefined(picked) as C;
}

/**
 * The `.swamp.yaml` `datastore:` block for a backend plus settings, so rewriting the backend
 * (e.g. `datastore setup`) keeps namespace, directories, exclude and timeouts.
 */
export function toYamlDatastoreBlock(
  backend: DatastoreBackend,
  settings: Partial<Omit<DatastoreSettings, "source" | "warnings">> = {},
): Record<string, unknown> {
  return pickDefined({
    type: backend.kind,
    ...backendFields(backend),
    namespace: settings.namespace && !settings.namespace.isSolo ? settings.namespace.slug : undefined,
    directories: settings.directories,
    exclude: settings.exclude && settings.exclude.length > 0 ? settings.exclude : undefined,
    hydrationStrategy: settings.hydrationStrategy,
    syncTimeoutMs: settings.syncTimeoutMs,
    lockTimeoutMs: settings.lockTimeoutMs,
  });
}

/**
 * A backend's fields as its `.swamp.yaml` block holds them: its top-level keys (`path`) in the
 * block, the rest under `config` (always there for a backend without top-level keys).
 */
export function backendFields(backend: DatastoreBackend): Record<string, unknown> {
  const { kind: _kind, ...config } = backend;
  const top: readonly string[] = descriptorOf(backend).yaml.topLevelKeys ?? [];
  const entries = Object.entries(config);
  const rest = entries.filter(([key]) => !top.includes(key));
  return {
    ...Object.fromEntries(entries.filter(([key]) => top.includes(key))),
    ...(top.length === 0 || rest.length > 0 ? { config: Object.fromEntries(rest) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Errors: every message names where the bad value came from and how to fix it.

interface Context extends ResolveDatastoreInput {
  yamlFile: string;
  warnings: string[];
}

interface Origin {
  where: string;
  fix: string;
  details: Record<string, unknown>;
}

function envOrigin(variable: string): Origin {
  const fix =
    variable === "SWAMP_DATASTORE"
      ? "Fix SWAMP_DATASTORE, or unset it to use the datastore configured in .swamp.yaml."
      : `Fix ${variable}, or unset it.`;
  return { where: `the ${variable} environment variable`, fix, details: { source: "env", variable } };
}

function yamlOrigin(ctx: Context, key: string): Origin {
  return {
    where: `${ctx.yamlFile} (datastore${key === "" ? "" : `.${key}`})`,
    fix: `Fix or remove the datastore block in ${ctx.yamlFile}, or run 'swamp datastore setup' to rewrite it.`,
    details: { source: "yaml", file: ctx.yamlFile, key: key === "" ? "datastore" : `datastore.${key}` },
  };
}

function configError(origin: Origin, message: string): SwampError {
  const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
  return new SwampError(
    "config_invalid",
    `${sentence} Set in ${origin.where}. ${origin.fix}`,
    origin.details,
  );
}

// ---------------------------------------------------------------------------------------------
// SWAMP_DATASTORE

function envFormatHint(): string {
  const forms = allBackends().map((d) => `"${d.kind}:${d.shortForm.syntax}"`);
  return `Expected ${listOr([...forms, '"<type>:{json}"'])}.`;
}

function parseEnvDatastore(value: string, ctx: Context): DatastoreBackend {
  const origin = envOrigin("SWAMP_DATASTORE");
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw configError(origin, `Invalid SWAMP_DATASTORE format: "${value}". ${envFormatHint()}`);
  }
  const type = value.slice(0, colon);
  const descriptor = descriptorOfType(type, origin);
  const rest = value.slice(colon + 1).trim();
  const raw =
    rest === "" || rest.startsWith("{")
      ? parseJsonConfig(type, rest === "" ? "{}" : rest, origin)
      : descriptor.shortForm.parse(rest);
  return buildBackend(descriptor, type, raw, origin, ctx);
}

function descriptorOfType(type: string, origin: Origin): BackendDescriptor<DatastoreBackend> {
  const kind = kindOfType(type);
  if (kind === undefined) {
    throw configError(
      origin,
      `Unknown datastore type: "${type}". Available types: ${DATASTORE_KINDS.join(", ")}.`,
    );
  }
  return descriptorOf({ kind });
}

function parseJsonConfig(type: string, text: string, origin: Origin): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw configError(origin, `Invalid JSON config for datastore type "${type}": ${(e as Error).message}`);
  }
  if (!isRecord(parsed)) {
    throw configError(origin, `Invalid config for datastore type "${type}": expected a JSON object`);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// .swamp.yaml

const SETTING_KEYS = [
  "namespace",
  "directories",
  "exclude",
  "hydrationStrategy",
  "syncTimeoutMs",
  "lockTimeoutMs",
];
/** Backend keys read at the block's top level, by some backend (`path`). */
const TOP_LEVEL_KEYS: readonly string[] = allBackends().flatMap((d) => d.yaml.topLevelKeys ?? []);
const LEGACY_KEYS: readonly string[] = allBackends().flatMap((d) => d.yaml.legacyTopLevelKeys ?? []);

function readBlock(value: unknown, ctx: Context): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    throw configError(yamlOrigin(ctx, ""), `The datastore block must be a mapping, got ${describe(value)}`);
  }
  const known = new Set([...SETTING_KEYS, "type", "config", ...TOP_LEVEL_KEYS, ...LEGACY_KEYS]);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) ctx.warnings.push(`Ignoring unknown key "datastore.${key}" in ${ctx.yamlFile}.`);
  }
  return value;
}

function parseYamlBackend(block: Record<string, unknown>, ctx: Context): DatastoreBackend {
  const typeValue = block.type ?? (block.config === undefined ? DEFAULT_KIND : undefined);
  if (typeof typeValue !== "string") {
    throw configError(
      yamlOrigin(ctx, "type"),
      `datastore.type must be one of ${DATASTORE_KINDS.join(", ")}; got ${describe(typeValue)}`,
    );
  }
  const descriptor = descriptorOfType(typeValue, yamlOrigin(ctx, "type"));
  for (const other of allBackends()) {
    const legacy = names(block, other.yaml.legacyTopLevelKeys ?? [], isSet);
    if (legacy.length > 0 && typeValue !== other.kind) {
      ctx.warnings.push(
        `Ignoring ${legacy.map((k) => `datastore.${k}`).join(", ")} in ${ctx.yamlFile}: block-level keys are only read for the legacy type "${other.kind}"; put them under datastore.config.`,
      );
    }
  }

  const build = (raw: RawConfig, key: string) =>
    buildBackend(descriptor, typeValue, raw, yamlOrigin(ctx, key), ctx);
  const top = descriptor.yaml.topLevelKeys ?? [];
  if (top.length > 0) {
    // The top-level form (`datastore.path`), unless only datastore.config is there.
    return names(block, top, isSet).length === 0 && isSet(block.config)
      ? build(configBlock(block, typeValue, ctx), "config")
      : build(pick(block, top), top.length === 1 ? (top[0] ?? "") : "");
  }
  const legacy = names(block, descriptor.yaml.legacyTopLevelKeys ?? [], isSet);
  if (typeValue === descriptor.kind && legacy.length > 0) {
    if (isSet(block.config)) {
      throw configError(
        yamlOrigin(ctx, "config"),
        `Invalid config for datastore type "${typeValue}": both datastore.config and the legacy keys ${legacy.join(", ")} are set; keep only datastore.config`,
      );
    }
    return build(pick(block, legacy), "");
  }
  return build(configBlock(block, typeValue, ctx), "config");
}

function configBlock(block: Record<string, unknown>, type: string, ctx: Context): Record<string, unknown> {
  const config = block.config;
  if (config === undefined || config === null) return {};
  if (!isRecord(config)) {
    throw configError(
      yamlOrigin(ctx, "config"),
      `Invalid config for datastore type "${type}": datastore.config must be a mapping, got ${describe(config)}`,
    );
  }
  return config;
}

function parseSettings(
  block: Record<string, unknown> | undefined,
  ctx: Context,
): Omit<DatastoreSettings, "source" | "warnings"> {
  const settings: Omit<DatastoreSettings, "source" | "warnings"> = { namespace: Namespace.solo, exclude: [] };
  if (!block) return settings;

  const ns = block.namespace;
  if (ns !== undefined && ns !== null && ns !== "") {
    if (typeof ns !== "string") {
      throw configError(
        yamlOrigin(ctx, "namespace"),
        `datastore.namespace must be a string, got ${describe(ns)}`,
      );
    }
    settings.namespace = toNamespace(ns, yamlOrigin(ctx, "namespace"));
  }

  const directories = stringList(block.directories, "directories", ctx);
  if (directories) {
    for (const dir of directories) {
      if (isAlwaysLocalSubdir(dir)) {
        ctx.warnings.push(
          `Ignoring "${dir}" in datastore.directories of ${ctx.yamlFile}: it always stays local.`,
        );
      } else if (!isDatastoreSubdir(dir)) {
        throw configError(
          yamlOrigin(ctx, "directories"),
          `Unknown datastore directory "${dir}". Valid directories: ${DEFAULT_DATASTORE_SUBDIRS.join(", ")}`,
        );
      }
    }
    settings.directories = directories;
  }

  settings.exclude = stringList(block.exclude, "exclude", ctx) ?? [];

  const hydration = block.hydrationStrategy;
  if (hydration !== undefined && hydration !== null) {
    if (hydration !== "full" && hydration !== "lazy") {
      throw configError(
        yamlOrigin(ctx, "hydrationStrategy"),
        `datastore.hydrationStrategy must be "full" or "lazy", got ${describe(hydration)}`,
      );
    }
    settings.hydrationStrategy = hydration;
  }

  for (const key of ["syncTimeoutMs", "lockTimeoutMs"] as const) {
    const value = block[key];
    if (value === undefined || value === null) continue;
    if (!isInteger(value) || value <= 0) {
      throw configError(
        yamlOrigin(ctx, key),
        `datastore.${key} must be a positive integer (milliseconds), got ${describe(value)}`,
      );
    }
    settings[key] = value;
  }
  return settings;
}

function stringList(value: unknown, key: string, ctx: Context): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw configError(
      yamlOrigin(ctx, key),
      `datastore.${key} must be a list of strings, got ${describe(value)}`,
    );
  }
  return [...value];
}

function toNamespace(slug: string, origin: Origin): Namespace {
  try {
    return Namespace.of(slug);
  } catch (e) {
    if (e instanceof SwampError) throw configError(origin, `Invalid namespace: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Backend validation (shared by both sources): the descriptor's parse, every problem at once.

function buildBackend(
  descriptor: BackendDescriptor<DatastoreBackend>,
  type: string,
  raw: RawConfig,
  origin: Origin,
  ctx: Context,
): DatastoreBackend {
  const allowed: readonly string[] = descriptor.configKeys;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      ctx.warnings.push(
        `Ignoring unknown key "${key}" in the config for datastore type "${type}" (${origin.where}).`,
      );
    }
  }
  const issues: string[] = [];
  const backend = descriptor.parse(raw, { env: ctx.env, homeDir: ctx.homeDir, repoDir: ctx.repoDir, issues });
  if (issues.length > 0) {
    throw configError(origin, `Invalid config for datastore type "${type}": ${issues.join("; ")}`);
  }
  return backend;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** The keys of `block` among `keys` whose value passes `test`, in `keys`' order. */
function names(
  block: Record<string, unknown>,
  keys: readonly string[],
  test: (v: unknown) => boolean,
): string[] {
  return keys.filter((key) => test(block[key]));
}

function pick(block: Record<string, unknown>, keys: readonly string[]): RawConfig {
  return Object.fromEntries(keys.map((key) => [key, block[key]]));
}
