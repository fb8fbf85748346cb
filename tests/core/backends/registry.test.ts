import { describe, expect, test } from "bun:test";
import type { SetupCommand } from "../../../core/backends/backend-descriptor.ts";
import {
  allBackends,
  DATASTORE_KINDS,
  type DatastoreBackend,
  DEFAULT_KIND,
  defaultBackend,
  descriptorOf,
  isRemoteBackend,
  kindOfType,
  localPathOf,
  remoteOf,
} from "../../../core/backends/registry.ts";
import { backendFields } from "../../../core/datastore-config.ts";

function setupCommand(name: string): SetupCommand<DatastoreBackend> {
  const command = allBackends()
    .flatMap((d) => d.setup)
    .find((c) => c.name === name);
  if (!command) throw new Error(`no setup command ${name}`);
  return command;
}

describe("the registry", () => {
  test("every kind, in the order messages list them, each with its own descriptor", () => {
    expect(DATASTORE_KINDS).toEqual(["filesystem", "s3", "gcs"]);
    for (const kind of DATASTORE_KINDS) expect(descriptorOf({ kind }).kind).toBe(kind);
    expect(allBackends().map((d) => d.label)).toEqual(["filesystem", "S3", "GCS"]);
  });

  test("type names: each kind and the reference's extension names", () => {
    expect(kindOfType("s3")).toBe("s3");
    expect(kindOfType("@swamp/s3-datastore")).toBe("s3");
    expect(kindOfType("@swamp/gcs-datastore")).toBe("gcs");
    expect(kindOfType("filesystem")).toBe("filesystem");
    expect(kindOfType("minio")).toBeUndefined();
    expect(kindOfType("ftp")).toBeUndefined();
  });

  test("the default: the repo's own .swamp folder", () => {
    expect(DEFAULT_KIND).toBe("filesystem");
    expect(defaultBackend("/repo")).toEqual({ kind: "filesystem", path: "/repo/.swamp" });
  });

  test("placement: a folder in place, or a bucket behind the cache", () => {
    expect(isRemoteBackend({ kind: "filesystem", path: "/x" })).toBe(false);
    expect(localPathOf({ kind: "filesystem", path: "/x" })).toBe("/x");
    expect(isRemoteBackend({ kind: "s3", bucket: "b" })).toBe(true);
    expect(localPathOf({ kind: "gcs", bucket: "b" })).toBeNull();
    expect(
      remoteOf({ kind: "s3", bucket: "b", prefix: "p", endpoint: "http://m:9000" }, {})?.location,
    ).toEqual({
      bucket: "b",
      prefix: "p",
      endpoint: "http://m:9000",
    });
    expect(remoteOf({ kind: "gcs", bucket: "b", apiEndpoint: "http://g:4443" }, {})?.location.endpoint).toBe(
      "http://g:4443",
    );
    expect(remoteOf({ kind: "s3", bucket: "b", region: "eu-west-1" }, {})?.location.endpoint).toBeUndefined();
  });

  test("every key a descriptor's parse produces is one of its configKeys", () => {
    const full: Record<string, Record<string, unknown>> = {
      filesystem: { path: "/x" },
      s3: {
        bucket: "bucket",
        prefix: "p",
        region: "r",
        endpoint: "http://h:1",
        forcePathStyle: true,
        pullConcurrency: 1,
        pushConcurrency: 2,
        requestTimeoutMs: 3000,
      },
      gcs: {
        bucket: "bucket",
        prefix: "p",
        projectId: "x",
        apiEndpoint: "http://h:1",
        pullConcurrency: 1,
        pushConcurrency: 2,
        requestTimeoutMs: 3000,
      },
    };
    for (const d of allBackends()) {
      const issues: string[] = [];
      const config = d.parse(full[d.kind] ?? {}, { env: {}, homeDir: "/h", repoDir: "/r", issues });
      expect(issues).toEqual([]);
      const { kind, ...rest } = config;
      expect(kind).toBe(d.kind);
      expect(Object.keys(rest).sort()).toEqual([...d.configKeys].sort());
    }
  });

  test("SWAMP_DATASTORE short forms", () => {
    expect(descriptorOf({ kind: "filesystem" }).shortForm.parse("/a:b")).toEqual({ path: "/a:b" });
    expect(descriptorOf({ kind: "s3" }).shortForm.parse("b/p/q")).toEqual({ bucket: "b", prefix: "p/q" });
    expect(descriptorOf({ kind: "gcs" }).shortForm.parse("b")).toEqual({ bucket: "b" });
  });

  test(".swamp.yaml fields: a folder's path in the block, a bucket's config under config", () => {
    expect(backendFields({ kind: "filesystem", path: "/x" })).toEqual({ path: "/x" });
    expect(backendFields({ kind: "s3", bucket: "b", region: "r" })).toEqual({
      config: { bucket: "b", region: "r" },
    });
  });
});

describe("datastore setup commands", () => {
  test("one per backend, and MinIO as an S3 variant, in the help's order", () => {
    expect(allBackends().flatMap((d) => d.setup.map((c) => c.name))).toEqual([
      "filesystem",
      "s3",
      "minio",
      "gcs",
    ]);
    for (const d of allBackends()) {
      for (const c of d.setup) {
        for (const flag of c.flags) expect(flag.flags).toMatch(/^--[a-z-]+( <[a-z]+>)?$/);
        expect(c.examples.every((e) => e.startsWith(`swamp ds setup ${c.name} `))).toBe(true);
      }
    }
  });

  test("filesystem: --path", () => {
    expect(setupCommand("filesystem").toConfig({ path: "~/data", skipMigration: true })).toEqual({
      kind: "filesystem",
      path: "~/data",
    });
  });

  test("s3: only the flags given, in the order .swamp.yaml is written", () => {
    const minimal = setupCommand("s3").toConfig({ bucket: "b", namespace: "ns" });
    expect(minimal).toEqual({ kind: "s3", bucket: "b" });
    const full = setupCommand("s3").toConfig({
      forcePathStyle: true,
      endpoint: "http://m:9000",
      region: "r",
      prefix: "p",
      bucket: "b",
    });
    expect(Object.entries(full)).toEqual([
      ["kind", "s3"],
      ["bucket", "b"],
      ["prefix", "p"],
      ["region", "r"],
      ["endpoint", "http://m:9000"],
      ["forcePathStyle", true],
    ]);
  });

  test("minio: S3 with its endpoint and path-style addressing", () => {
    const config = setupCommand("minio").toConfig({
      endpoint: "http://m:9000",
      bucket: "b",
      region: "us-east-1",
    });
    expect(Object.entries(config)).toEqual([
      ["kind", "s3"],
      ["bucket", "b"],
      ["endpoint", "http://m:9000"],
      ["forcePathStyle", true],
      ["region", "us-east-1"],
    ]);
    const minio = setupCommand("minio");
    expect(minio.flags.filter((f) => f.required).map((f) => f.flags)).toEqual([
      "--endpoint <url>",
      "--bucket <name>",
    ]);
    expect(minio.flags.find((f) => f.flags.startsWith("--region"))?.default).toBe("us-east-1");
  });

  test("gcs: --project and --api-endpoint", () => {
    const config = setupCommand("gcs").toConfig({
      bucket: "b",
      prefix: "p",
      project: "proj",
      apiEndpoint: "http://g:4443",
    });
    expect(Object.entries(config)).toEqual([
      ["kind", "gcs"],
      ["bucket", "b"],
      ["prefix", "p"],
      ["projectId", "proj"],
      ["apiEndpoint", "http://g:4443"],
    ]);
  });
});
