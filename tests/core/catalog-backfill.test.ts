import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import { backfillCatalog } from "../../core/catalog-backfill.ts";
import { catalogRow, seedRows } from "../conformance/catalog-suite.ts";
import { bytes, manualVersion, VPC } from "../support/data-fixtures.ts";
import { FakeClock } from "../support/fake-clock.ts";

let root: string;
let repo: FsDataRepository;
let catalog: MemoryCatalog;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "swamp-backfill-"));
  repo = new FsDataRepository(root, { clock: new FakeClock(), host: systemHost() });
  catalog = new MemoryCatalog();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const summary = () =>
  catalog
    .scan({}, null, 1000)
    .rows.map((r) => `${r.namespace}|${r.modelId}|${r.dataName}@${r.version}${r.isLatest ? "*" : ""}`)
    .sort();

test("indexes every version with latest flags, skipping tombstoned names, then marks populated", async () => {
  const net = { type: "gcp/net", id: "m-2", name: "net" };
  for (const body of ["1", "2", "3"]) await repo.write(VPC, "main", bytes(body), manualVersion());
  await repo.write(VPC, "42", bytes("numeric"), manualVersion());
  await repo.write(net, "cfg", bytes("x"), manualVersion());
  await repo.write(VPC, "renamed", bytes("x"), manualVersion());
  await repo.write(VPC, "renamed", bytes("{}"), manualVersion({ lifecycle: "deleted", renamedTo: "main" }));

  expect(await backfillCatalog(repo, catalog, "infra")).toBe(5);
  expect(summary()).toEqual(
    [
      `infra|${VPC.id}|42@1*`,
      `infra|${VPC.id}|main@1`,
      `infra|${VPC.id}|main@2`,
      `infra|${VPC.id}|main@3*`,
      "infra|m-2|cfg@1*",
    ]
      .concat()
      .sort(),
  );
  expect(catalog.isPopulated("infra")).toBe(true);
  expect(catalog.isPopulated("")).toBe(false);
  expect(catalog.scan({ modelId: "m-2" }, null, 10).rows[0]).toMatchObject({
    typeNormalized: "gcp/net",
    modelName: "vpc",
    dataType: "resource",
  });
});

test("each workflow step keeps its own latest", async () => {
  const step = (stepName: string) =>
    manualVersion({ ownerDefinition: { ownerType: "manual", ownerRef: "cli:vpc", stepName } });
  await repo.write(VPC, "out", bytes("1"), step("a"));
  await repo.write(VPC, "out", bytes("2"), step("b"));
  await repo.write(VPC, "out", bytes("3"), step("a"));
  await backfillCatalog(repo, catalog, "");
  expect(summary()).toEqual([`|${VPC.id}|out@1`, `|${VPC.id}|out@2*`, `|${VPC.id}|out@3*`]);
});

test("backfill replaces the namespace's rows: rows of data removed out of band go, other namespaces' stay", async () => {
  seedRows(catalog, [
    catalogRow({ modelId: "gone", dataName: "orphan" }),
    catalogRow({ namespace: "foreign", modelId: "theirs", dataName: "kept" }),
  ]);
  await repo.write(VPC, "main", bytes("1"), manualVersion());
  expect(await backfillCatalog(repo, catalog, "")).toBe(1);
  expect(summary()).toEqual(["foreign|theirs|kept@1*", `|${VPC.id}|main@1*`]);
});

test("an empty datastore still marks the catalog populated", async () => {
  expect(await backfillCatalog(repo, catalog, "")).toBe(0);
  expect(catalog.isPopulated("")).toBe(true);
});
