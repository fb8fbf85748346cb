import { describe, expect, test } from "bun:test";
import {
  checkRemoteRel,
  checkScopedRel,
  INTERNAL_FILE,
  isUnder,
  leftOutQuietly,
  NAMESPACE_FILE,
  scopeOf,
} from "../../../core/sync/sync-keys.ts";

describe("checkRemoteRel", () => {
  test("ordinary cache paths, dotfiles and the catalog export are fine", () => {
    for (const rel of ["data/a/b/1/raw", ".catalog-export.json", "files/.hidden", "a..b/c", "x/...json"]) {
      expect(checkRemoteRel(rel)).toBeNull();
    }
  });

  test("paths that could leave the cache or confuse it are refused", () => {
    expect(checkRemoteRel("")).toBe("empty path");
    expect(checkRemoteRel("../../x")).toContain("'..'");
    expect(checkRemoteRel("a/../../x")).toContain("'..'");
    expect(checkRemoteRel("a/..")).toContain("'..'");
    expect(checkRemoteRel("./a")).toContain("'.'");
    expect(checkRemoteRel("/etc/x")).toBe("absolute path");
    expect(checkRemoteRel("C:/x")).toBe("absolute path");
    expect(checkRemoteRel("a\\b")).toBe("contains a backslash");
    expect(checkRemoteRel("a\u0000b")).toBe("contains a NUL byte");
    expect(checkRemoteRel("a\nb")).toBe("contains a control character");
    expect(checkRemoteRel("a//b")).toBe("empty path segment");
    expect(checkRemoteRel("a/")).toBe("empty path segment");
  });

  test("names no filesystem can hold are refused: a segment over 255 bytes, a lone surrogate", () => {
    expect(checkRemoteRel(`files/${"a".repeat(255)}`)).toBeNull();
    expect(checkRemoteRel(`files/${"a".repeat(300)}/x`)).toBe(
      "a path segment of 300 bytes (a file name holds at most 255)",
    );
    // 128 two-byte characters: 128 characters, 256 bytes.
    expect(checkRemoteRel(`files/${"é".repeat(128)}`)).toContain("of 256 bytes");
    expect(checkRemoteRel(`files/${"😀".repeat(63)}`)).toBeNull();
    expect(checkRemoteRel("files/a\ud800b")).toContain("lone surrogate");
    expect(checkRemoteRel("files/\udc00")).toContain("lone surrogate");
    expect(checkRemoteRel("files/😀")).toBeNull();
  });

  test("internal files never cross (locks, temp files and the engine's state included)", () => {
    for (const rel of [
      ".datastore-index.json",
      ".push-queue.json",
      ".datastore.lock",
      ".datastore-sync-state.json",
      ".swamp-changes.log",
      "_index/_meta.json",
      "_control/x",
      ".locks/ns.lock",
      ".swamp-sync/state.json",
      "data/t/id/.lock",
      ".namespace.json",
      "x/_catalog.db",
      "_catalog.db-wal",
      "data/t/id/n/.1f2e.tmp/raw",
      "files/a.txt.tmp",
      "files/a.txt.mutex",
    ]) {
      expect(checkRemoteRel(rel)).toBe(INTERNAL_FILE);
    }
    expect(checkRemoteRel("files/.datastore.lock")).toBeNull();
    expect(checkRemoteRel("files/.swamp-changes.log")).toBeNull();
  });

  test("solo mode leaves every folder that can be a namespace alone; a namespace's engine sees its own tree", () => {
    expect(scopeOf("")).toBe("solo");
    expect(scopeOf("infra/")).toBe("namespace");
    for (const rel of ["infra/data/t/id/n/1/raw", "security/files/x", "a/b", "infra-2/_index/_meta.json"]) {
      expect(checkScopedRel(rel, "solo")).toBe(NAMESPACE_FILE);
      expect(leftOutQuietly(checkScopedRel(rel, "solo"))).toBe(true);
    }
    // Solo mode's own entries, root files and names no namespace can have stay solo mode's.
    for (const rel of [
      "data/t/id/n/1/raw",
      "files/x",
      "workflow-runs/w/r.yaml",
      "infra",
      "Infra/x",
      "a_b/x",
    ]) {
      expect(checkScopedRel(rel, "solo")).toBeNull();
    }
    expect(checkScopedRel("security/files/x", "namespace")).toBeNull();
    expect(checkScopedRel("../x", "solo")).toContain("'..'");
    expect(leftOutQuietly(checkScopedRel("../x", "solo"))).toBe(false);
  });

  test("isUnder", () => {
    expect(isUnder("a/b", "a")).toBe(true);
    expect(isUnder("a", "a")).toBe(true);
    expect(isUnder("ab", "a")).toBe(false);
  });
});
