import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { backfillCatalog } from "../../../core/catalog-backfill.ts";
import { checkCatalog } from "../../../core/doctor/catalog-check.ts";
import { catalogRow, seedRows } from "../../conformance/catalog-suite.ts";
import { bytes, manualVersion, VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

describe("checkCatalog", () => {
  let root: string;
  let repo: FsDataRepository;
  let catalog: MemoryCatalog;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), "swamp-doctor-catalog-"));
    repo = new FsDataRepository(root, { clock: new FakeClock(), host: systemHost() });
    catalog = new MemoryCatalog();
    for (const body of ["1", "2"]) await repo.write(VPC, "main", bytes(body), manualVersion());
    await backfillCatalog(repo, catalog, "infra");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("a rebuilt catalog agrees with the data; rows of other namespaces are not compared", async () => {
    seedRows(catalog, [catalogRow({ namespace: "other", dataName: "elsewhere" })]);
    expect(await checkCatalog(repo, catalog, "infra")).toEqual([]);
  });

  test("a version written without its row, and a row removed by hand, are found", async () => {
    await repo.write(VPC, "main", bytes("3"), manualVersion());
    catalog.removeVersion({ namespace: "infra", type: VPC.type, id: VPC.id, name: "main", version: 1 });
    const found = await checkCatalog(repo, catalog, "infra");
    expect(found.map((f) => [f.code, f.subject])).toEqual([
      ["catalog_row_missing", `${VPC.type}/${VPC.id}/main v1`],
      ["catalog_latest_wrong", `${VPC.type}/${VPC.id}/main v2`],
      ["catalog_row_missing", `${VPC.type}/${VPC.id}/main v3`],
    ]);
    await backfillCatalog(repo, catalog, "infra");
    expect(await checkCatalog(repo, catalog, "infra")).toEqual([]);
  });
});
