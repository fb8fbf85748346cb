import { describe, expect, test } from "bun:test";
import { cacheFindings } from "../../../core/doctor/cache-findings.ts";
import type { CacheInspection } from "../../../core/ports/sync-service.ts";

const MODEL = "data/aws/ec2/vpc/6f0c2a1e-0000-4000-8000-000000000001";

function cache(overrides: Partial<CacheInspection> = {}): CacheInspection {
  const synced = new Map([
    ["files/x", "x1"],
    ["files/y", "y1"],
    [`${MODEL}/main/1/raw`, "r1"],
    [`${MODEL}/main/1/metadata.yaml`, "m1"],
  ]);
  return {
    synced,
    known: { commitSeq: 4, partitions: ["files"] },
    pending: { paths: [], bulk: false },
    files: new Map(synced),
    shielded: [],
    ...overrides,
  };
}

describe("cacheFindings", () => {
  test("a cache holding what it was synced to: no finding", () => {
    expect(cacheFindings(cache())).toEqual([]);
  });

  test("a file changed behind swamp's back, or gone without being a pending deletion: drift doctor pulls again", () => {
    const files = new Map(cache().files);
    files.set("files/x", "changed");
    files.delete("files/y");
    files.delete(`${MODEL}/main/1/raw`);
    expect(cacheFindings(cache({ files })).map((f) => [f.code, f.subject, f.problem, f.repair])).toEqual([
      ["cache_missing", `${MODEL}/main/1/raw`, true, { kind: "repull_file", rel: `${MODEL}/main/1/raw` }],
      ["cache_drift", "files/x", true, { kind: "repull_file", rel: "files/x" }],
      ["cache_missing", "files/y", true, { kind: "repull_file", rel: "files/y" }],
    ]);
  });

  test("pending changes and pending versions are information naming the push; a version file that differs is pending, never drift", () => {
    const files = new Map(cache().files);
    files.set("files/x", "changed");
    files.delete("files/y");
    files.set(`${MODEL}/main/1/raw`, "rewritten");
    files.set(`${MODEL}/main/2/raw`, "r2");
    files.set(`${MODEL}/main/2/metadata.yaml`, "m2");
    const found = cacheFindings(cache({ files, pending: { paths: ["files/x", "files"], bulk: false } }));
    expect(found.map((f) => [f.code, f.problem, f.fix])).toEqual([
      ["cache_pending", false, "swamp datastore sync --push"],
      ["cache_pending_versions", false, "swamp datastore sync --push"],
    ]);
    expect(found[0]?.message).toBe("2 local change(s) are not pushed yet.");
    expect(found[1]?.message).toContain("2 version(s) written here are not in the index yet (aws/ec2/vpc/");
  });

  test("under a bulk change, or without a record of the last sync, drift is not judged", () => {
    const files = new Map([
      ["files/x", "changed"],
      [`${MODEL}/main/1/raw`, "r1"],
    ]);
    const bulk = cacheFindings(cache({ files, pending: { paths: [], bulk: true } }));
    expect(bulk.map((f) => [f.code, f.problem])).toEqual([["cache_pending", false]]);
    // Without a record every version would look pending: none is named.
    const unsynced = cacheFindings(cache({ files, synced: null }));
    expect(unsynced.map((f) => [f.code, f.problem, f.fix])).toEqual([
      ["cache_unsynced", false, "swamp datastore sync --pull"],
    ]);
  });

  test("what hides behind a symlink proves nothing", () => {
    const files = new Map(cache().files);
    files.delete("files/x");
    expect(cacheFindings(cache({ files, shielded: ["files"] }))).toEqual([]);
  });
});
