import { describe, expect, test } from "bun:test";
import {
  ALWAYS_LOCAL_SUBDIRS,
  DEFAULT_DATASTORE_SUBDIRS,
  effectiveSubdirs,
} from "../../core/datastore-subdirs.ts";
import { SwampError } from "../../core/errors.ts";
import { Namespace } from "../../core/namespace.ts";
import { PathResolver } from "../../core/path-resolver.ts";

const EFFECTIVE = [
  "auto-definitions",
  "definitions-evaluated",
  "workflows-evaluated",
  "data",
  "outputs",
  "workflow-runs",
  "audit",
  "telemetry",
  "logs",
  "files",
];

const make = (extra: Partial<ConstructorParameters<typeof PathResolver>[0]> = {}) =>
  new PathResolver({ repoDir: "/repo", datastoreBase: "/mnt/store", ...extra });

describe("datastore subdirs", () => {
  test("effective list drops always-local subdirs, in the reference's order", () => {
    expect(effectiveSubdirs()).toEqual(EFFECTIVE);
    expect(effectiveSubdirs(["outputs", "data", "secrets", "bogus", "data"])).toEqual(["data", "outputs"]);
    expect(DEFAULT_DATASTORE_SUBDIRS).toHaveLength(15);
    expect(ALWAYS_LOCAL_SUBDIRS).toContain("datastore-bundles");
  });
});

describe("PathResolver", () => {
  test("solo mode: datastore subdirs go under the base, with no namespace segment", () => {
    const r = make();
    expect(r.resolve("data", "aws/ec2/vpc", "m1", "state", "1", "raw")).toEqual({
      tier: "datastore",
      path: "/mnt/store/data/aws/ec2/vpc/m1/state/1/raw",
    });
    expect(r.resolve("outputs")).toEqual({ tier: "datastore", path: "/mnt/store/outputs" });
    expect(r.datastoreRoot()).toBe("/mnt/store");
    expect(r.namespace.isSolo).toBe(true);
  });

  test("the namespace is the outermost segment", () => {
    const r = make({ namespace: "infra" });
    expect(r.resolve("data", "t", "m")).toEqual({ tier: "datastore", path: "/mnt/store/infra/data/t/m" });
    expect(r.datastoreRoot()).toBe("/mnt/store/infra");
    expect(make({ namespace: Namespace.of("infra") }).datastoreRoot()).toBe("/mnt/store/infra");
    expect(make({ namespace: "" }).datastoreRoot()).toBe("/mnt/store");
  });

  test("invalid namespace strings are rejected", () => {
    expect(() => make({ namespace: "Bad" })).toThrow(SwampError);
  });

  test("always-local subdirs stay in {repo}/.swamp, never namespaced, even when configured", () => {
    const r = make({ namespace: "infra", directories: [...DEFAULT_DATASTORE_SUBDIRS] });
    for (const sub of ALWAYS_LOCAL_SUBDIRS) {
      expect(r.resolve(sub, "x")).toEqual({ tier: "local", path: `/repo/.swamp/${sub}/x` });
    }
  });

  test("subdirs outside the configured directories are local", () => {
    const r = make({ directories: ["data"] });
    expect(r.resolve("data", "x").tier).toBe("datastore");
    expect(r.resolve("outputs", "x")).toEqual({ tier: "local", path: "/repo/.swamp/outputs/x" });
    expect(r.resolve("unknown-subdir", "x")).toEqual({
      tier: "local",
      path: "/repo/.swamp/unknown-subdir/x",
    });
    expect(r.effectiveDirectories()).toEqual(["data"]);
  });

  test("effective directories default to all datastore-tier subdirs and are a copy", () => {
    const r = make();
    const dirs = r.effectiveDirectories();
    expect(dirs).toEqual(EFFECTIVE);
    dirs.pop();
    expect(r.effectiveDirectories()).toEqual(EFFECTIVE);
  });

  test("exclude patterns (relative to the namespace root) route matches to the local tier", () => {
    const r = make({ namespace: "infra", exclude: ["telemetry/**", "!telemetry/keep.json", "data/*/tmp"] });
    expect(r.resolve("telemetry", "a.json")).toEqual({
      tier: "local",
      path: "/repo/.swamp/telemetry/a.json",
    });
    expect(r.resolve("telemetry", "keep.json")).toEqual({
      tier: "datastore",
      path: "/mnt/store/infra/telemetry/keep.json",
    });
    expect(r.resolve("data", "t", "tmp").tier).toBe("local");
    expect(r.resolve("data", "t/tmp").tier).toBe("local");
    expect(r.resolve("data", "t", "u", "tmp").tier).toBe("datastore");
    expect(r.excludePatterns()).toEqual(["telemetry/**", "!telemetry/keep.json", "data/*/tmp"]);
  });

  test("the exclude check sees the bare subdir when there is no rest", () => {
    expect(make({ exclude: ["logs"] }).resolve("logs").tier).toBe("local");
  });

  test("local root and catalog path are repo-local", () => {
    const r = make({ namespace: "infra" });
    expect(r.localRoot()).toBe("/repo/.swamp");
    expect(r.catalogPath()).toBe("/repo/.swamp/data/_catalog.db");
  });

  test("paths are normalized", () => {
    const r = new PathResolver({ repoDir: "/repo/", datastoreBase: "/mnt//store/", namespace: "infra" });
    expect(r.resolve("data", "a/./b//c/", "../d").path).toBe("/mnt/store/infra/data/a/b/d");
    expect(r.resolve("data", "").path).toBe("/mnt/store/infra/data");
  });

  describe("traversal", () => {
    const r = make({ namespace: "infra" });
    test.each([[["..", "x"]], [["data/x"]], [["data\\x"]], [["."]], [[""]]])("rejects subdir %p", (args) => {
      const [subdir, ...rest] = args as [string, ...string[]];
      expect(() => r.resolve(subdir, ...rest)).toThrow("Path traversal detected");
    });

    test.each([
      [["..", "secret"]],
      [["a/../../b"]],
      [["a", "..", ".."]],
      [["..\\..\\etc"]],
      [["/etc/passwd", "../../.."]],
    ])("rejects rest %p that escapes the subdir", (rest) => {
      try {
        r.resolve("data", ...(rest as string[]));
        throw new Error("expected a throw");
      } catch (e) {
        expect(e).toBeInstanceOf(SwampError);
        expect((e as SwampError).code).toBe("path_traversal");
      }
    });

    test("rejects an absolute rest", () => {
      expect(() => r.resolve("data", "/etc/passwd")).toThrow("Path traversal detected");
    });

    test("allows .. that stays inside the subdir, and inner slashes", () => {
      expect(r.resolve("data", "a/../b").path).toBe("/mnt/store/infra/data/b");
      expect(r.resolve("data", "a", "/b").path).toBe("/mnt/store/infra/data/a/b");
    });
  });
});
