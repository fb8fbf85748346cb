import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import { refreshCatalogNames } from "../../core/catalog-refresh.ts";
import { toCatalogRow } from "../../core/catalog-row.ts";
import { countRows } from "../conformance/catalog-suite.ts";
import { bytes, manualVersion, VPC } from "../support/data-fixtures.ts";
import { FakeClock } from "../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "swamp-refresh-"));
  dirs.push(dir);
  return new FsDataRepository(dir, { clock: new FakeClock({ start: 0 }), host: systemHost() });
}

const ref = (name: string) => ({ type: VPC.type, id: VPC.id, name });

describe("refreshCatalogNames", () => {
  test("replaces a name's rows with what is on disk, latest flagged", async () => {
    const data = repo();
    const catalog = new MemoryCatalog();
    const v1 = await data.write(VPC, "main", bytes("1"), manualVersion());
    catalog.addVersion(toCatalogRow("", VPC, v1, true));
    await data.write(VPC, "main", bytes("2"), manualVersion());
    await data.write(VPC, "main", bytes("3"), manualVersion());
    expect(await refreshCatalogNames(data, catalog, "", [ref("main")])).toBe(3);
    expect(catalog.scan({}, null, 10).rows.map((r) => [r.version, r.isLatest])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });

  test("each workflow step keeps its own latest, as a backfill flags them", async () => {
    const data = repo();
    const catalog = new MemoryCatalog();
    const step = (stepName: string) =>
      manualVersion({ ownerDefinition: { ownerType: "manual", ownerRef: "cli:vpc", stepName } });
    await data.write(VPC, "out", bytes("1"), step("a"));
    await data.write(VPC, "out", bytes("2"), step("b"));
    await data.write(VPC, "out", bytes("3"), step("a"));
    await refreshCatalogNames(data, catalog, "", [ref("out")]);
    expect(catalog.scan({}, null, 10).rows.map((r) => [r.version, r.stepName, r.isLatest])).toEqual([
      [1, "a", false],
      [2, "b", true],
      [3, "a", true],
    ]);
  });

  test("a name deleted on disk loses its rows; a tombstoned one too", async () => {
    const data = repo();
    const catalog = new MemoryCatalog();
    for (const name of ["gone", "renamed"]) {
      catalog.addVersion(
        toCatalogRow("", VPC, await data.write(VPC, name, bytes("x"), manualVersion()), true),
      );
    }
    await data.deleteName(VPC, "gone");
    await data.write(VPC, "renamed", bytes("{}"), manualVersion({ lifecycle: "deleted", renamedTo: "new" }));
    await refreshCatalogNames(data, catalog, "", [ref("gone"), ref("renamed")]);
    expect(countRows(catalog)).toBe(0);
  });
});
