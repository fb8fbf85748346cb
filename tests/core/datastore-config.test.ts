// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${VAR}" path syntax is the subject under test
import { describe, expect, test } from "bun:test";
import {
  backendOf,
  type ResolveDatastoreInput,
  type ResolvedDatastore,
  resolveDatastoreConfig,
  toYamlDatastoreBlock,
} from "../../core/datastore-config.ts";
import { SwampError } from "../../core/errors.ts";
import { Namespace } from "../../core/namespace.ts";

const YAML_FILE = "/repo/.swamp.yaml";
const ENV_FIX = "Fix SWAMP_DATASTORE, or unset it to use the datastore configured in .swamp.yaml.";
const yamlFix = `Fix or remove the datastore block in ${YAML_FILE}, or run 'swamp datastore setup' to rewrite it.`;

function resolve(partial: Partial<ResolveDatastoreInput> = {}): ResolvedDatastore {
  return resolveDatastoreConfig({
    env: {},
    yamlDatastore: undefined,
    repoDir: "/repo",
    homeDir: "/home/u",
    ...partial,
  });
}

const fromEnv = (value: string, extra: Partial<ResolveDatastoreInput> = {}) =>
  resolve({ ...extra, env: { SWAMP_DATASTORE: value, ...extra.env } });
const fromYaml = (block: unknown, extra: Partial<ResolveDatastoreInput> = {}) =>
  resolve({ ...extra, yamlDatastore: block });

function errorOf(fn: () => unknown): SwampError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SwampError) return e;
    throw e;
  }
  throw new Error("expected a SwampError");
}

describe("default", () => {
  test("no env and no yaml block: filesystem at {repo}/.swamp, solo", () => {
    const r = resolve();
    expect(r).toEqual({
      kind: "filesystem",
      path: "/repo/.swamp",
      namespace: Namespace.solo,
      exclude: [],
      source: "default",
      warnings: [],
    });
  });

  test("a yaml block with settings only keeps the default backend and its settings", () => {
    const r = fromYaml({ namespace: "infra", exclude: ["logs/**"] });
    expect(r.kind).toBe("filesystem");
    expect(r.kind === "filesystem" && r.path).toBe("/repo/.swamp");
    expect(r.source).toBe("default");
    expect(r.namespace.slug).toBe("infra");
    expect(r.exclude).toEqual(["logs/**"]);
  });

  test("null yaml block means absent", () => {
    expect(fromYaml(null).source).toBe("default");
  });
});

describe(".swamp.yaml filesystem", () => {
  const env = { DATA: "/srv" };
  test.each([
    ["/mnt/shared", "/mnt/shared"],
    ["~/swamp-data", "/home/u/swamp-data"],
    ["$DATA/swamp", "/srv/swamp"],
    ["${DATA}/swamp", "/srv/swamp"],
    ["../shared", "/shared"],
    ["store", "/repo/store"],
  ])("path %p → %p", (path, expected) => {
    const r = fromYaml({ type: "filesystem", path }, { env });
    expect(r).toMatchObject({ kind: "filesystem", path: expected, source: "yaml" });
  });

  test("type defaults to filesystem when only path is given", () => {
    expect(fromYaml({ path: "/x" })).toMatchObject({ kind: "filesystem", path: "/x", source: "yaml" });
  });

  test("config.path is accepted like the env JSON form", () => {
    expect(fromYaml({ type: "filesystem", config: { path: "/x" } })).toMatchObject({ path: "/x" });
  });

  test("an unset variable is a config error naming the yaml key", () => {
    const e = errorOf(() => fromYaml({ type: "filesystem", path: "$NOPE/x" }));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toBe(
      `Invalid config for datastore type "filesystem": Environment variable NOPE is not set (used in path "$NOPE/x"). Set NOPE, or write the path out in full. Set in ${YAML_FILE} (datastore.path). ${yamlFix}`,
    );
    expect(e.details).toEqual({ source: "yaml", file: YAML_FILE, key: "datastore.path" });
  });

  test("missing path", () => {
    const e = errorOf(() => fromYaml({ type: "filesystem" }));
    expect(e.message).toStartWith(
      `Invalid config for datastore type "filesystem": path is required. Set in ${YAML_FILE} (datastore.path).`,
    );
  });

  test("non-string path", () => {
    expect(errorOf(() => fromYaml({ type: "filesystem", path: 5 })).message).toContain(
      "path must be a string, got 5",
    );
  });
});

describe(".swamp.yaml remote", () => {
  test("s3 with config", () => {
    const r = fromYaml({
      type: "s3",
      config: {
        bucket: "team-bucket",
        prefix: "/swamp/",
        region: "eu-west-1",
        endpoint: "http://127.0.0.1:9000",
        forcePathStyle: true,
        pullConcurrency: 8,
        pushConcurrency: 4,
        requestTimeoutMs: 5000,
      },
    });
    expect(r).toEqual({
      kind: "s3",
      bucket: "team-bucket",
      prefix: "swamp",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      pullConcurrency: 8,
      pushConcurrency: 4,
      requestTimeoutMs: 5000,
      namespace: Namespace.solo,
      exclude: [],
      source: "yaml",
      warnings: [],
    });
  });

  test("the reference's extension type names are aliases", () => {
    expect(fromYaml({ type: "@swamp/s3-datastore", config: { bucket: "bbb" } }).kind).toBe("s3");
    expect(fromYaml({ type: "@swamp/gcs-datastore", config: { bucket: "bbb" } }).kind).toBe("gcs");
  });

  test("legacy s3 form: bucket and friends at block level", () => {
    const r = fromYaml({
      type: "s3",
      bucket: "bkt",
      prefix: "p",
      region: "r",
      endpoint: "https://s3.x",
      forcePathStyle: false,
    });
    expect(r).toMatchObject({
      kind: "s3",
      bucket: "bkt",
      prefix: "p",
      region: "r",
      endpoint: "https://s3.x",
      forcePathStyle: false,
    });
    expect(r.warnings).toEqual([]);
  });

  test("legacy keys next to config is an error", () => {
    const e = errorOf(() => fromYaml({ type: "s3", bucket: "bkt", config: { bucket: "bkt" } }));
    expect(e.message).toStartWith(
      'Invalid config for datastore type "s3": both datastore.config and the legacy keys bucket are set; keep only datastore.config.',
    );
  });

  test("legacy keys with other types are ignored with a warning", () => {
    const r = fromYaml({ type: "gcs", bucket: "x", config: { bucket: "bkt" } });
    expect(r.kind === "gcs" && r.bucket).toBe("bkt");
    expect(r.warnings[0]).toContain("Ignoring datastore.bucket");
  });

  test("gcs with config", () => {
    const r = fromYaml({
      type: "gcs",
      config: { bucket: "my_bucket.v1", prefix: "a/b", projectId: "p", apiEndpoint: "http://127.0.0.1:4443" },
    });
    expect(r).toMatchObject({
      kind: "gcs",
      bucket: "my_bucket.v1",
      prefix: "a/b",
      projectId: "p",
      apiEndpoint: "http://127.0.0.1:4443",
    });
  });

  test("remote type without config: bucket is required", () => {
    const e = errorOf(() => fromYaml({ type: "s3" }));
    expect(e.message).toBe(
      `Invalid config for datastore type "s3": bucket is required. Set in ${YAML_FILE} (datastore.config). ${yamlFix}`,
    );
  });

  test("config that is not a mapping", () => {
    expect(errorOf(() => fromYaml({ type: "gcs", config: "bkt" })).message).toStartWith(
      'Invalid config for datastore type "gcs": datastore.config must be a mapping, got "bkt".',
    );
  });

  test("unknown type", () => {
    const e = errorOf(() => fromYaml({ type: "@org/x", config: {} }));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toBe(
      `Unknown datastore type: "@org/x". Available types: filesystem, s3, gcs. Set in ${YAML_FILE} (datastore.type). ${yamlFix}`,
    );
  });

  test("config without type, or a non-string type", () => {
    expect(errorOf(() => fromYaml({ config: { bucket: "b" } })).message).toStartWith(
      "datastore.type must be one of filesystem, s3, gcs; got nothing.",
    );
    expect(errorOf(() => fromYaml({ type: 3 })).message).toStartWith(
      "datastore.type must be one of filesystem, s3, gcs; got 3.",
    );
  });

  test("a block that is not a mapping", () => {
    const e = errorOf(() => fromYaml(["s3"]));
    expect(e.message).toBe(
      `The datastore block must be a mapping, got ["s3"]. Set in ${YAML_FILE} (datastore). ${yamlFix}`,
    );
    expect(e.details).toEqual({ source: "yaml", file: YAML_FILE, key: "datastore" });
  });

  test("unknown keys are warnings, not errors", () => {
    const r = fromYaml({ type: "s3", config: { bucket: "bkt", bukcet: "x" }, extra: 1 });
    expect(r.warnings).toEqual([
      `Ignoring unknown key "datastore.extra" in ${YAML_FILE}.`,
      `Ignoring unknown key "bukcet" in the config for datastore type "s3" (${YAML_FILE} (datastore.config)).`,
    ]);
  });
});

describe("remote config validation", () => {
  const s3 = (config: Record<string, unknown>) => () =>
    fromYaml({ type: "s3", config: { bucket: "bkt", ...config } });
  const gcs = (config: Record<string, unknown>) => () =>
    fromYaml({ type: "gcs", config: { bucket: "bkt", ...config } });
  const detail = (fn: () => unknown) => {
    const e = errorOf(fn);
    expect(e.code).toBe("config_invalid");
    const match = /^Invalid config for datastore type "(s3|gcs)": (.*)\. Set in /.exec(e.message);
    if (!match) throw new Error(`unexpected message: ${e.message}`);
    return match[2];
  };

  test.each(["ab", "a".repeat(64), "Upper", "under_score", "sp ace"])("s3 bucket %p", (bucket) => {
    expect(detail(s3({ bucket }))).toBe(
      `bucket must be 3-63 characters of a-z, 0-9, "." and "-"; got "${bucket}"`,
    );
  });

  test("s3 bucket edge lengths are fine", () => {
    expect(s3({ bucket: "abc" })).not.toThrow();
    expect(s3({ bucket: "a".repeat(63) })).not.toThrow();
    expect(s3({ bucket: "a.b-c" })).not.toThrow();
  });

  test.each(["not a url", "ftp://x", "127.0.0.1:9000"])("s3 endpoint %p", (endpoint) => {
    expect(detail(s3({ endpoint }))).toBe(
      `endpoint must be an http(s) URL such as "http://127.0.0.1:9000"; got "${endpoint}"`,
    );
  });

  test.each([0, 1001, 1.5, "8"])("concurrency %p", (value) => {
    expect(detail(s3({ pullConcurrency: value }))).toBe(
      `pullConcurrency must be an integer from 1 to 1000, got ${JSON.stringify(value)}`,
    );
    expect(detail(gcs({ pushConcurrency: value }))).toStartWith(
      "pushConcurrency must be an integer from 1 to 1000",
    );
  });

  test("concurrency bounds are inclusive", () => {
    expect(s3({ pullConcurrency: 1, pushConcurrency: 1000 })).not.toThrow();
  });

  test.each([999, 600_001])("requestTimeoutMs %p", (value) => {
    expect(detail(s3({ requestTimeoutMs: value }))).toBe(
      `requestTimeoutMs must be an integer from 1000 to 600000, got ${value}`,
    );
  });

  test("forcePathStyle must be boolean, region a string", () => {
    expect(detail(s3({ forcePathStyle: "yes" }))).toBe('forcePathStyle must be true or false, got "yes"');
    expect(detail(s3({ region: 5 }))).toBe("region must be a string, got 5");
  });

  test("all issues are listed at once", () => {
    expect(detail(s3({ bucket: "X", endpoint: "nope", pushConcurrency: 0 }))).toBe(
      'bucket must be 3-63 characters of a-z, 0-9, "." and "-"; got "X"; pushConcurrency must be an integer from 1 to 1000, got 0; endpoint must be an http(s) URL such as "http://127.0.0.1:9000"; got "nope"',
    );
  });

  test("prefix is normalized and checked", () => {
    expect(fromYaml({ type: "s3", config: { bucket: "bkt", prefix: "/" } })).not.toHaveProperty("prefix");
    expect(fromYaml({ type: "s3", config: { bucket: "bkt", prefix: "a/b/" } })).toMatchObject({
      prefix: "a/b",
    });
    expect(detail(s3({ prefix: "a/../b" }))).toBe(
      'prefix must be "/"-separated names without empty, "." or ".." segments; got "a/../b"',
    );
    expect(detail(s3({ prefix: "a//b" }))).toStartWith("prefix must be");
  });

  test("gcs bucket rules", () => {
    expect(detail(gcs({ bucket: "goog-data" }))).toBe('bucket must not start with "goog"; got "goog-data"');
    expect(detail(gcs({ bucket: "my-google-data" }))).toBe(
      'bucket must not contain "google"; got "my-google-data"',
    );
    expect(detail(gcs({ bucket: "-bad" }))).toStartWith("bucket must be 3-63 characters (222 with dots)");
    expect(detail(gcs({ bucket: "a".repeat(64) }))).toStartWith("bucket must be 3-63 characters");
    expect(gcs({ bucket: `${"a".repeat(63)}.${"b".repeat(63)}` })).not.toThrow();
    expect(detail(gcs({ apiEndpoint: "x" }))).toStartWith("apiEndpoint must be an http(s) URL");
    expect(detail(gcs({ projectId: [] }))).toBe("projectId must be a string, got []");
  });
});

describe("settings from .swamp.yaml", () => {
  test("namespace, directories, exclude, hydration and timeouts", () => {
    const r = fromYaml({
      type: "filesystem",
      path: "/x",
      namespace: "infra",
      directories: ["data", "outputs"],
      exclude: ["telemetry/**"],
      hydrationStrategy: "lazy",
      syncTimeoutMs: 1000,
      lockTimeoutMs: 2000,
    });
    expect(r).toMatchObject({
      namespace: Namespace.of("infra"),
      directories: ["data", "outputs"],
      exclude: ["telemetry/**"],
      hydrationStrategy: "lazy",
      syncTimeoutMs: 1000,
      lockTimeoutMs: 2000,
    });
  });

  test("empty or null namespace is solo", () => {
    expect(fromYaml({ namespace: "" }).namespace.isSolo).toBe(true);
    expect(fromYaml({ namespace: null }).namespace.isSolo).toBe(true);
  });

  test("invalid namespace names the yaml key", () => {
    const e = errorOf(() => fromYaml({ namespace: "Infra" }));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toStartWith('Invalid namespace: Namespace must match [a-z0-9][a-z0-9-]*: "Infra".');
    expect(e.message).toContain(`Set in ${YAML_FILE} (datastore.namespace).`);
    expect(errorOf(() => fromYaml({ namespace: "data" })).message).toContain("reserved");
    expect(errorOf(() => fromYaml({ namespace: 7 })).message).toStartWith(
      "datastore.namespace must be a string, got 7.",
    );
  });

  test("directories: unknown is an error, always-local is a warning", () => {
    expect(errorOf(() => fromYaml({ directories: ["data", "outptus"] })).message).toStartWith(
      'Unknown datastore directory "outptus". Valid directories: auto-definitions, definitions-evaluated',
    );
    const r = fromYaml({ directories: ["data", "secrets"] });
    expect(r.directories).toEqual(["data", "secrets"]);
    expect(r.warnings).toEqual([
      `Ignoring "secrets" in datastore.directories of ${YAML_FILE}: it always stays local.`,
    ]);
  });

  test("lists must be lists of strings", () => {
    expect(errorOf(() => fromYaml({ directories: "data" })).message).toStartWith(
      'datastore.directories must be a list of strings, got "data".',
    );
    expect(errorOf(() => fromYaml({ exclude: [1] })).message).toStartWith(
      "datastore.exclude must be a list of strings, got [1].",
    );
  });

  test("hydrationStrategy and timeouts are checked", () => {
    expect(errorOf(() => fromYaml({ hydrationStrategy: "some" })).message).toStartWith(
      'datastore.hydrationStrategy must be "full" or "lazy", got "some".',
    );
    expect(errorOf(() => fromYaml({ syncTimeoutMs: 0 })).message).toStartWith(
      "datastore.syncTimeoutMs must be a positive integer (milliseconds), got 0.",
    );
    expect(errorOf(() => fromYaml({ lockTimeoutMs: "5s" })).message).toStartWith(
      'datastore.lockTimeoutMs must be a positive integer (milliseconds), got "5s".',
    );
  });
});

describe("SWAMP_DATASTORE", () => {
  const env = { DATA: "/srv" };
  test.each([
    ["filesystem:/mnt/x", "/mnt/x"],
    ["filesystem:~/x", "/home/u/x"],
    ["filesystem:$DATA/x", "/srv/x"],
    ["filesystem:${DATA}/x", "/srv/x"],
    ["filesystem:rel", "/repo/rel"],
    ['filesystem:{"path": "/j"}', "/j"],
  ])("%p → %p", (value, path) => {
    expect(fromEnv(value, { env })).toMatchObject({ kind: "filesystem", path, source: "env" });
  });

  test("unset variable in the env path", () => {
    const e = errorOf(() => fromEnv("filesystem:$NOPE/x"));
    expect(e.message).toBe(
      `Invalid config for datastore type "filesystem": Environment variable NOPE is not set (used in path "$NOPE/x"). Set NOPE, or write the path out in full. Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`,
    );
    expect(e.details).toEqual({ source: "env", variable: "SWAMP_DATASTORE" });
  });

  test("shorthands s3:bucket[/prefix] and gcs:bucket[/prefix]", () => {
    expect(backendOf(fromEnv("s3:bkt"))).toEqual({ kind: "s3", bucket: "bkt" });
    expect(backendOf(fromEnv("s3:bkt/a/b/"))).toEqual({ kind: "s3", bucket: "bkt", prefix: "a/b" });
    expect(backendOf(fromEnv("gcs:bkt/p"))).toEqual({ kind: "gcs", bucket: "bkt", prefix: "p" });
    expect(backendOf(fromEnv("@swamp/gcs-datastore:bkt"))).toEqual({ kind: "gcs", bucket: "bkt" });
  });

  test("<type>:{json}", () => {
    expect(
      backendOf(fromEnv('s3:{"bucket":"bkt","endpoint":"http://127.0.0.1:9000","forcePathStyle":true}')),
    ).toEqual({
      kind: "s3",
      bucket: "bkt",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    });
    expect(backendOf(fromEnv('@swamp/s3-datastore:{"bucket":"bkt","region":"r"}'))).toEqual({
      kind: "s3",
      bucket: "bkt",
      region: "r",
    });
  });

  test("an empty value means {}", () => {
    expect(errorOf(() => fromEnv("@swamp/s3-datastore:")).message).toBe(
      `Invalid config for datastore type "@swamp/s3-datastore": bucket is required. Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`,
    );
    expect(errorOf(() => fromEnv("filesystem:")).message).toStartWith(
      'Invalid config for datastore type "filesystem": path is required.',
    );
  });

  test.each(["nocolon", ":/x", "/mnt/data"])("format error for %p", (value) => {
    const e = errorOf(() => fromEnv(value));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toBe(
      `Invalid SWAMP_DATASTORE format: "${value}". Expected "filesystem:/path/to/dir", "s3:bucket[/prefix]", "gcs:bucket[/prefix]" or "<type>:{json}". Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`,
    );
  });

  test("unknown type", () => {
    expect(errorOf(() => fromEnv("ftp:host")).message).toBe(
      `Unknown datastore type: "ftp". Available types: filesystem, s3, gcs. Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`,
    );
  });

  test("bad JSON", () => {
    const e = errorOf(() => fromEnv("s3:{bucket:"));
    expect(e.message).toStartWith('Invalid JSON config for datastore type "s3": ');
    expect(e.message).toEndWith(`Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`);
  });

  test("JSON that is not an object", () => {
    expect(errorOf(() => fromEnv('gcs:{"a":1}x')).message).toStartWith(
      'Invalid JSON config for datastore type "gcs"',
    );
    expect(errorOf(() => fromEnv("filesystem:{}")).message).toStartWith(
      'Invalid config for datastore type "filesystem": path is required.',
    );
  });

  test("schema failures use the env origin", () => {
    expect(errorOf(() => fromEnv("s3:B")).message).toBe(
      `Invalid config for datastore type "s3": bucket must be 3-63 characters of a-z, 0-9, "." and "-"; got "B". Set in the SWAMP_DATASTORE environment variable. ${ENV_FIX}`,
    );
  });

  test("empty SWAMP_DATASTORE is ignored", () => {
    expect(fromEnv("").source).toBe("default");
  });

  test("env keeps namespace, directories, exclude and timeouts from .swamp.yaml", () => {
    const r = fromEnv("s3:bkt", {
      yamlDatastore: {
        type: "filesystem",
        path: "/old",
        namespace: "infra",
        directories: ["data"],
        exclude: ["logs/**"],
        syncTimeoutMs: 1234,
      },
    });
    expect(r).toMatchObject({
      kind: "s3",
      bucket: "bkt",
      source: "env",
      directories: ["data"],
      exclude: ["logs/**"],
      syncTimeoutMs: 1234,
    });
    expect(r.namespace.slug).toBe("infra");
  });

  test("env overrides a broken yaml backend, but yaml settings are still validated", () => {
    expect(fromEnv("filesystem:/x", { yamlDatastore: { type: "@org/x", path: 5 } }).source).toBe("env");
    expect(() => fromEnv("filesystem:/x", { yamlDatastore: { namespace: "Bad" } })).toThrow(
      "datastore.namespace",
    );
  });
});

describe("SWAMP_NAMESPACE", () => {
  test("overrides the yaml namespace, with any backend source", () => {
    expect(fromYaml({ namespace: "infra" }, { env: { SWAMP_NAMESPACE: "sec" } }).namespace.slug).toBe("sec");
    expect(resolve({ env: { SWAMP_NAMESPACE: "sec" } }).namespace.slug).toBe("sec");
    expect(
      resolve({
        env: { SWAMP_NAMESPACE: "sec", SWAMP_DATASTORE: "s3:bkt" },
        yamlDatastore: { namespace: "infra" },
      }).namespace.slug,
    ).toBe("sec");
  });

  test("empty is ignored", () => {
    expect(fromYaml({ namespace: "infra" }, { env: { SWAMP_NAMESPACE: "" } }).namespace.slug).toBe("infra");
  });

  test("an invalid value names the variable", () => {
    const e = errorOf(() => resolve({ env: { SWAMP_NAMESPACE: "No!" } }));
    expect(e.code).toBe("config_invalid");
    expect(e.message).toBe(
      'Invalid namespace: Namespace must match [a-z0-9][a-z0-9-]*: "No!". Use lowercase letters, digits and inner hyphens, e.g. "no". Set in the SWAMP_NAMESPACE environment variable. Fix SWAMP_NAMESPACE, or unset it.',
    );
    expect(e.details).toEqual({ source: "env", variable: "SWAMP_NAMESPACE" });
  });
});

describe("toYamlDatastoreBlock / backendOf", () => {
  test("filesystem block", () => {
    expect(toYamlDatastoreBlock({ kind: "filesystem", path: "/x" })).toEqual({
      type: "filesystem",
      path: "/x",
    });
  });

  test("remote block keeps settings and round-trips through the resolver", () => {
    const original = fromYaml({
      type: "gcs",
      config: { bucket: "bkt", prefix: "p", apiEndpoint: "http://127.0.0.1:1" },
      namespace: "infra",
      directories: ["data"],
      exclude: ["logs/**"],
      hydrationStrategy: "full",
      lockTimeoutMs: 10,
    });
    const block = toYamlDatastoreBlock(backendOf(original), original);
    expect(block).toEqual({
      type: "gcs",
      config: { bucket: "bkt", prefix: "p", apiEndpoint: "http://127.0.0.1:1" },
      namespace: "infra",
      directories: ["data"],
      exclude: ["logs/**"],
      hydrationStrategy: "full",
      lockTimeoutMs: 10,
    });
    expect(fromYaml(block)).toEqual(original);
  });

  test("solo namespace and empty exclude are left out", () => {
    expect(
      toYamlDatastoreBlock({ kind: "s3", bucket: "bkt" }, { namespace: Namespace.solo, exclude: [] }),
    ).toEqual({ type: "s3", config: { bucket: "bkt" } });
  });
});
