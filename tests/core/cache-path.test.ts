import { describe, expect, test } from "bun:test";
import { dataTierBase, swampDataDir } from "../../core/cache-path.ts";

describe("swampDataDir", () => {
  test("SWAMP_HOME wins over $HOME/.swamp; empty counts as unset", () => {
    expect(swampDataDir({ SWAMP_HOME: "/opt/swamp/" }, "/home/u")).toBe("/opt/swamp");
    expect(swampDataDir({}, "/home/u")).toBe("/home/u/.swamp");
    expect(swampDataDir({ SWAMP_HOME: "" }, "/home/u")).toBe("/home/u/.swamp");
  });
});

describe("dataTierBase", () => {
  const context = { env: {}, homeDir: "/home/u", repoId: "6f0c-1" };
  test("filesystem uses its path; remote stores use the per-repo cache", () => {
    expect(dataTierBase({ kind: "filesystem", path: "/mnt/x" }, context)).toBe("/mnt/x");
    expect(dataTierBase({ kind: "s3", bucket: "b" }, context)).toBe("/home/u/.swamp/repos/6f0c-1");
    expect(dataTierBase({ kind: "gcs", bucket: "b" }, { ...context, env: { SWAMP_HOME: "/sh" } })).toBe(
      "/sh/repos/6f0c-1",
    );
  });

  test("a remote store without a repoId is an error, not a shared 'unknown' cache", () => {
    expect(() => dataTierBase({ kind: "s3", bucket: "b" }, { ...context, repoId: undefined })).toThrow(
      "Run 'swamp repo init'",
    );
  });

  test("a repoId that is not a plain id is rejected", () => {
    expect(() => dataTierBase({ kind: "s3", bucket: "b" }, { ...context, repoId: "../../etc" })).toThrow(
      "not a plain id",
    );
  });
});
