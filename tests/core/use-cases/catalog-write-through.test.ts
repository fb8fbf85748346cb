import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeLog } from "../../../adapters/fs/change-log.ts";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { followDatastoreChanges } from "../../../core/catalog-follow.ts";
import type { DataNameKey } from "../../../core/data-record.ts";
import { CatalogWriteThrough } from "../../../core/use-cases/catalog-write-through.ts";
import { bytes, manualVersion, VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder repo and its write-through; with `recorded`, beside a change log the catalog follows. */
function setup(recorded?: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "swamp-write-through-"));
  dirs.push(dir);
  const host = systemHost();
  const feed = new ChangeLog(join(dir, ".swamp-changes.log"), host);
  const repo = new FsDataRepository(dir, {
    clock: new FakeClock({ start: 0 }),
    host,
    ...(recorded === undefined ? {} : { afterMutate: (name: DataNameKey) => feed.append([name]) }),
  });
  const catalog = new MemoryCatalog();
  let opened = 0;
  const through = new CatalogWriteThrough({
    catalog: async () => {
      opened++;
      return catalog;
    },
    repo,
    namespace: "ns",
    ...(recorded === undefined ? {} : { followsChangeLog: () => recorded }),
  });
  const follow = () => followDatastoreChanges({ feed, repo, catalog, namespace: "ns" });
  return { repo, catalog, through, follow, opened: () => opened };
}

const rowsOf = (catalog: MemoryCatalog) =>
  catalog.scan({}, null, 100).rows.map((r) => [r.dataName, r.version, r.isLatest]);

describe("CatalogWriteThrough", () => {
  test("opens the catalog once, on the first change, and never for a command that changes nothing", async () => {
    const { repo, through, opened } = setup();
    expect(opened()).toBe(0);
    await through.written(VPC, await repo.write(VPC, "main", bytes("1"), manualVersion()));
    await through.written(VPC, await repo.write(VPC, "main", bytes("2"), manualVersion()));
    expect(opened()).toBe(1);
  });

  test("a written version is its name's latest; a deleted version hands latest down", async () => {
    const { repo, catalog, through } = setup();
    await through.written(VPC, await repo.write(VPC, "main", bytes("1"), manualVersion()));
    await through.written(VPC, await repo.write(VPC, "main", bytes("2"), manualVersion()));
    expect(rowsOf(catalog)).toEqual([
      ["main", 1, false],
      ["main", 2, true],
    ]);
    expect(catalog.scan({}, null, 1).rows[0]?.namespace).toBe("ns");
    await repo.deleteVersion(VPC, "main", 2);
    await through.versionDeleted(VPC, "main", 2);
    expect(rowsOf(catalog)).toEqual([["main", 1, true]]);
  });

  test("a written version keeps its content when given, textual and of its size, for queries", async () => {
    const { repo, catalog, through } = setup();
    const json = bytes('{"n":1}');
    await through.written(VPC, await repo.write(VPC, "kept", json, manualVersion()), json);
    await through.written(VPC, await repo.write(VPC, "unknown", json, manualVersion()));
    const binary = { ...manualVersion(), contentType: "application/octet-stream" };
    await through.written(VPC, await repo.write(VPC, "binary", json, binary), json);
    await through.written(VPC, await repo.write(VPC, "other", json, manualVersion()), bytes("{}"));
    const kept = catalog
      .scanKept({}, null, 10)
      .rows.map(({ row, content }) => [
        row.dataName,
        content === null ? null : new TextDecoder().decode(content),
      ]);
    expect(kept).toEqual([
      ["kept", '{"n":1}'],
      ["unknown", null],
      ["binary", null],
      ["other", null],
    ]);
  });

  test("a tombstone and a deleted name take the name out", async () => {
    const { repo, catalog, through } = setup();
    await through.written(VPC, await repo.write(VPC, "old", bytes("1"), manualVersion()));
    await through.written(VPC, await repo.write(VPC, "gone", bytes("1"), manualVersion()));
    const tomb = await repo.write(
      VPC,
      "old",
      bytes("{}"),
      manualVersion({ lifecycle: "deleted", renamedTo: "new" }),
    );
    await through.written(VPC, tomb);
    await through.nameDeleted(VPC, "gone");
    expect(rowsOf(catalog)).toEqual([]);
  });

  test("names changed underneath are read again from the repository", async () => {
    const { repo, catalog, through } = setup();
    await repo.write(VPC, "main", bytes("1"), manualVersion());
    await repo.write(VPC, "main", bytes("2"), manualVersion());
    expect(await through.namesChanged([{ type: VPC.type, id: VPC.id, name: "main" }])).toBe(2);
    expect(rowsOf(catalog)).toEqual([
      ["main", 1, false],
      ["main", 2, true],
    ]);
  });

  describe("beside a change log the catalog follows", () => {
    test("a version written is left to the catalog's next read, which finds it in the log", async () => {
      const { repo, catalog, through, follow, opened } = setup(true);
      expect((await follow()).kind).toBe("rebuilt");
      await through.written(VPC, await repo.write(VPC, "main", bytes("1"), manualVersion()));
      await through.written(VPC, await repo.write(VPC, "main", bytes("2"), manualVersion()));
      expect(opened()).toBe(0);
      expect(rowsOf(catalog)).toEqual([]);
      expect(await follow()).toEqual({ kind: "refreshed", names: 1, rows: 2 });
      expect(rowsOf(catalog)).toEqual([
        ["main", 1, false],
        ["main", 2, true],
      ]);
    });

    test("once the log missed a change, versions are written through at once", async () => {
      const { repo, catalog, through, opened } = setup(false);
      await through.written(VPC, await repo.write(VPC, "main", bytes("1"), manualVersion()));
      expect(opened()).toBe(1);
      expect(rowsOf(catalog)).toEqual([["main", 1, true]]);
    });
  });
});
