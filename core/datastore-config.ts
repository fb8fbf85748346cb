import { DEFAULT_DATASTORE_SUBDIRS, isAlwaysLocalSubdir, isDatastoreSubdir } from "./datastore-subdirs.ts";
import { SwampError } from "./errors.ts";
import { expandPath } from "./expand-path.ts";
import { Namespace } from "./namespace.ts";
import { joinPosix } from "./posix-path.ts";

export type DatastoreKind = "filesystem" | "s3" | "gcs";
export const DATASTORE_KINDS: readonly DatastoreKind[] = ["filesystem", "s3", "gcs"];

/** Type names accepted in `SWAMP_DATASTORE` and `.swamp.yaml`; the reference's extension names are aliases. */
export const DATASTORE_TYPE_ALIASES: Readonly<Record<string, DatastoreKind>> = {
  filesystem: "filesystem",
  s3: "s3",
  gcs: "gcs",
  "@swamp/s3-datastore": "s3",
  "@swamp/gcs-datastore": "gcs",
};

export interface FilesystemBackend {
  kind: "filesystem";
  /** Absolute, normalized. */
  path: string;
}

interface RemoteTuning {
  pullConcurrency?: number;
  pushConcurrency?: number;
  requestTimeoutMs?: number;
}

export interface S3Backend extends RemoteTuning {
  kind: "s3";
  bucket: string;
  /** Without leading or trailing `/`. */
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

export interface GcsBackend extends RemoteTuning {
  kind: "gcs";
  bucket: string;
  /** Without leading or trailing `/`. */
  prefix?: string;
  projectId?: string;
  apiEndpoint?: string;
}

export type DatastoreBackend = FilesystemBackend | S3Backend | GcsBackend;

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
 * Resolves the datastore: `SWAMP_DATASTORE` > `.swamp.yaml` > `{filesystem, {repo}/.swamp}`.
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
  } else if (block && (block.type !== undefined || block.path !== undefined || block.config !== undefined)) {
    backend = parseYamlBackend(block, ctx);
    source = "yaml";
  } else {
    backend = { kind: "filesystem", path: joinPosix(input.repoDir, ".swamp") };
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
  switch (config.kind) {
    case "filesystem":
      return { kind: "filesystem", path: config.path };
    case "s3":
      return pickDefined({
        kind: "s3",
        bucket: config.bucket,
        prefix: config.prefix,
        region: config.region,
        endpoint: config.endpoint,
        forcePathStyle: config.forcePathStyle,
        ...tuningOf(config),
      });
    case "gcs":
      return pickDefined({
        kind: "gcs",
        bucket: config.bucket,
        prefix: config.prefix,
        projectId: config.projectId,
        apiEndpoint: config.apiEndpoint,
        ...tuningOf(config),
      });
  }
}

/**
 * The `.swamp.yaml` `datastore:` block for a backend plus settings, so rewriting the backend
 * (e.g. `datastore setup`) keeps namespace, directories, exclude and timeouts.
 */
export function toYamlDatastoreBlock(
  backend: DatastoreBackend,
  settings: Partial<Omit<DatastoreSettings, "source" | "warnings">> = {},
): Record<string, unknown> {
  const { kind, ...config } = backend;
  const head: Record<string, unknown> =
    backend.kind === "filesystem" ? { type: kind, path: backend.path } : { type: kind, config };
  return pickDefined({
    ...head,
    namespace: settings.namespace && !settings.namespace.isSolo ? settings.namespace.slug : undefined,
    directories: settings.directories,
    exclude: settings.exclude && settings.exclude.length > 0 ? settings.exclude : undefined,
    hydrationStrategy: settings.hydrationStrategy,
    syncTimeoutMs: settings.syncTimeoutMs,
    lockTimeoutMs: settings.lockTimeoutMs,
  });
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

const ENV_FORMAT_HINT =
  'Expected "filesystem:/path/to/dir", "s3:bucket[/prefix]", "gcs:bucket[/prefix]" or "<type>:{json}".';

function parseEnvDatastore(value: string, ctx: Context): DatastoreBackend {
  const origin = envOrigin("SWAMP_DATASTORE");
  const colon = value.indexOf(":");
  if (colon <= 0) {
    throw configError(origin, `Invalid SWAMP_DATASTORE format: "${value}". ${ENV_FORMAT_HINT}`);
  }
  const type = value.slice(0, colon);
  const kind = kindOf(type, origin);
  const rest = value.slice(colon + 1).trim();
  let raw: Record<string, unknown>;
  if (rest === "" || rest.startsWith("{")) {
    raw = parseJsonConfig(type, rest === "" ? "{}" : rest, origin);
  } else if (kind === "filesystem") {
    raw = { path: rest };
  } else {
    const slash = rest.indexOf("/");
    raw = slash < 0 ? { bucket: rest } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
  }
  return buildBackend(kind, type, raw, origin, ctx);
}

function kindOf(type: string, origin: Origin): DatastoreKind {
  const kind = DATASTORE_TYPE_ALIASES[type];
  if (kind === undefined) {
    throw configError(
      origin,
      `Unknown datastore type: "${type}". Available types: ${DATASTORE_KINDS.join(", ")}.`,
    );
  }
  return kind;
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
const BACKEND_KEYS = ["type", "path", "config"];
const LEGACY_S3_KEYS = ["bucket", "prefix", "region", "endpoint", "forcePathStyle"];

function readBlock(value: unknown, ctx: Context): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    throw configError(yamlOrigin(ctx, ""), `The datastore block must be a mapping, got ${describe(value)}`);
  }
  const known = new Set([...SETTING_KEYS, ...BACKEND_KEYS, ...LEGACY_S3_KEYS]);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) ctx.warnings.push(`Ignoring unknown key "datastore.${key}" in ${ctx.yamlFile}.`);
  }
  return value;
}

function parseYamlBackend(block: Record<string, unknown>, ctx: Context): DatastoreBackend {
  const typeValue = block.type ?? (block.config === undefined ? "filesystem" : undefined);
  if (typeof typeValue !== "string") {
    throw configError(
      yamlOrigin(ctx, "type"),
      `datastore.type must be one of ${DATASTORE_KINDS.join(", ")}; got ${describe(typeValue)}`,
    );
  }
  const origin = yamlOrigin(ctx, "type");
  const kind = kindOf(typeValue, origin);
  const legacy = LEGACY_S3_KEYS.filter((k) => block[k] !== undefined && block[k] !== null);
  if (legacy.length > 0 && typeValue !== "s3") {
    ctx.warnings.push(
      `Ignoring ${legacy.map((k) => `datastore.${k}`).join(", ")} in ${ctx.yamlFile}: block-level keys are only read for the legacy type "s3"; put them under datastore.config.`,
    );
  }

  if (kind === "filesystem") {
    const pathAbsent = block.path === undefined || block.path === null;
    return pathAbsent && block.config !== undefined && block.config !== null
      ? buildBackend(kind, typeValue, configBlock(block, typeValue, ctx), yamlOrigin(ctx, "config"), ctx)
      : buildBackend(kind, typeValue, { path: block.path }, yamlOrigin(ctx, "path"), ctx);
  }
  if (typeValue === "s3" && legacy.length > 0) {
    if (block.config !== undefined && block.config !== null) {
      throw configError(
        yamlOrigin(ctx, "config"),
        `Invalid config for datastore type "s3": both datastore.config and the legacy keys ${legacy.join(", ")} are set; keep only datastore.config`,
      );
    }
    const raw = Object.fromEntries(legacy.map((k) => [k, block[k]]));
    return buildBackend(kind, typeValue, raw, yamlOrigin(ctx, ""), ctx);
  }
  return buildBackend(kind, typeValue, configBlock(block, typeValue, ctx), yamlOrigin(ctx, "config"), ctx);
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
// Backend validation (shared by both sources)

const TUNING_KEYS = ["pullConcurrency", "pushConcurrency", "requestTimeoutMs"];
const FILESYSTEM_KEYS = ["path"];
const S3_KEYS = ["bucket", "prefix", "region", "endpoint", "forcePathStyle", ...TUNING_KEYS];
const GCS_KEYS = ["bucket", "prefix", "projectId", "apiEndpoint", ...TUNING_KEYS];

function buildBackend(
  kind: DatastoreKind,
  type: string,
  raw: Record<string, unknown>,
  origin: Origin,
  ctx: Context,
): DatastoreBackend {
  const allowed = kind === "filesystem" ? FILESYSTEM_KEYS : kind === "s3" ? S3_KEYS : GCS_KEYS;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      ctx.warnings.push(
        `Ignoring unknown key "${key}" in the config for datastore type "${type}" (${origin.where}).`,
      );
    }
  }
  const issues: string[] = [];
  const fail = () => configError(origin, `Invalid config for datastore type "${type}": ${issues.join("; ")}`);

  if (kind === "filesystem") {
    const path = requiredString(raw, "path", issues);
    if (path === undefined) throw fail();
    try {
      return { kind, path: expandPath(path, { env: ctx.env, homeDir: ctx.homeDir, baseDir: ctx.repoDir }) };
    } catch (e) {
      if (e instanceof SwampError) {
        issues.push(e.message);
        throw fail();
      }
      throw e;
    }
  }

  const bucket = requiredString(raw, "bucket", issues);
  if (bucket !== undefined) {
    const problem = kind === "s3" ? s3BucketProblem(bucket) : gcsBucketProblem(bucket);
    if (problem) issues.push(problem);
  }
  const common = {
    prefix: prefixField(raw, issues),
    pullConcurrency: intField(raw, "pullConcurrency", 1, 1000, issues),
    pushConcurrency: intField(raw, "pushConcurrency", 1, 1000, issues),
    requestTimeoutMs: intField(raw, "requestTimeoutMs", 1000, 600_000, issues),
  };
  const backend: DatastoreBackend =
    kind === "s3"
      ? {
          kind,
          bucket: bucket ?? "",
          ...common,
          region: optionalString(raw, "region", issues),
          endpoint: urlField(raw, "endpoint", issues),
          forcePathStyle: boolField(raw, "forcePathStyle", issues),
        }
      : {
          kind,
          bucket: bucket ?? "",
          ...common,
          projectId: optionalString(raw, "projectId", issues),
          apiEndpoint: urlField(raw, "apiEndpoint", issues),
        };
  if (issues.length > 0) throw fail();
  return pickDefined(backend);
}

function s3BucketProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63 || !/^[a-z0-9.-]+$/.test(bucket)) {
    return `bucket must be 3-63 characters of a-z, 0-9, "." and "-"; got "${bucket}"`;
  }
  return undefined;
}

function gcsBucketProblem(bucket: string): string | undefined {
  const maxLength = bucket.includes(".") ? 222 : 63;
  if (
    bucket.length < 3 ||
    bucket.length > maxLength ||
    !/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(bucket) ||
    bucket.split(".").some((part) => part.length > 63)
  ) {
    return `bucket must be 3-63 characters (222 with dots) of a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit; got "${bucket}"`;
  }
  if (bucket.startsWith("goog")) return `bucket must not start with "goog"; got "${bucket}"`;
  if (bucket.includes("google")) return `bucket must not contain "google"; got "${bucket}"`;
  return undefined;
}

function requiredString(raw: Record<string, unknown>, key: string, issues: string[]): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") {
    issues.push(`${key} is required`);
    return undefined;
  }
  if (typeof value !== "string") {
    issues.push(`${key} must be a string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function optionalString(raw: Record<string, unknown>, key: string, issues: string[]): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    issues.push(`${key} must be a string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function prefixField(raw: Record<string, unknown>, issues: string[]): string | undefined {
  const value = optionalString(raw, "prefix", issues);
  if (value === undefined) return undefined;
  const trimmed = value.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return undefined;
  if (trimmed.split("/").some((s) => s === "" || s === "." || s === "..")) {
    issues.push(`prefix must be "/"-separated names without empty, "." or ".." segments; got "${value}"`);
    return undefined;
  }
  return trimmed;
}

function urlField(raw: Record<string, unknown>, key: string, issues: string[]): string | undefined {
  const value = optionalString(raw, key, issues);
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    issues.push(`${key} must be an http(s) URL such as "http://127.0.0.1:9000"; got "${value}"`);
    return undefined;
  }
  return value;
}

function boolField(raw: Record<string, unknown>, key: string, issues: string[]): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") {
    issues.push(`${key} must be true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function intField(
  raw: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  issues: string[],
): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isInteger(value) || value < min || value > max) {
    issues.push(`${key} must be an integer from ${min} to ${max}, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function tuningOf(config: RemoteTuning): RemoteTuning {
  return {
    pullConcurrency: config.pullConcurrency,
    pushConcurrency: config.pushConcurrency,
    requestTimeoutMs: config.requestTimeoutMs,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

function pickDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
