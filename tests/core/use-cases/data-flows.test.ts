import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { SwampError } from "../../../core/errors.ts";
import { CatalogWriteThrough } from "../../../core/use-cases/catalog-write-through.ts";
import { dataDelete, planDataDelete } from "../../../core/use-cases/data-delete.ts";
import { dataGc } from "../../../core/use-cases/data-gc.ts";
import { checkRenameNames, dataRename } from "../../../core/use-cases/data-rename.ts";
import type { WithGlobalLease, WithModelLeases } from "../../../core/use-cases/model-leases.ts";
import { catalogRow, seedRows } from "../../conformance/catalog-suite.ts";
import { bytes, manualVersion, VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;

/** A repository and catalog in a temp dir, leases that record what was taken and can be lost. */
function setup(namespace = "") {
  const dir = mkdtempSync(join(tmpdir(), "swamp-flows-"));
  dirs.push(dir);
  const clock = new FakeClock({ start: Date.parse("2026-06-01T00:00:00Z") });
  const repo = new FsDataRepository(join(dir, ".swamp"), { clock, host: systemHost() });
  const catalog = new MemoryCatalog();
  const lease = { lost: false, taken: [] as string[] };
  const lostError = () => new SwampError("lock_lost", "lease lost");
  const withModelLeases: WithModelLeases = async (models, fn, operation) => {
    lease.taken.push(`${operation}:${models.map((m) => m.id).join(",")}`);
    const controller = new AbortController();
    if (lease.lost) controller.abort(lostError());
    return fn(controller.signal);
  };
  const withGlobalLease: WithGlobalLease = async (fn, operation) => {
    lease.taken.push(`${operation}:global`);
    return fn({
      assertHeld: () => {
        if (lease.lost) throw lostError();
      },
    });
  };
  const deps = {
    repo,
    catalog: new CatalogWriteThrough({ catalog: async () => catalog, repo, namespace }),
    withModelLeases,
    withGlobalLease,
    clock,
  };
  /** Writes a version and writes it through, as `data put` would. */
  const put = async (name: string, text = name, overrides = {}) => {
    const meta = await repo.write(VPC, name, bytes(text), manualVersion({ ...overrides }));
    await deps.catalog.written(VPC, meta);
    return meta;
  };
  const rows = () =>
    catalog.scan({ namespace }, null, 100).rows.map((r) => [r.dataName, r.version, r.isLatest]);
  return { deps, repo, catalog, clock, lease, put, rows };
}

/** Rows of another namespace under the same model and names as the repo's, as a catalog of a repo that changed namespace holds them. */
function seedOtherNamespace(catalog: MemoryCatalog, names: string[]): string[] {
  const theirs = names.flatMap((dataName) =>
    [1, 2, 3].map((version) =>
      catalogRow({
        namespace: "security",
        typeNormalized: VPC.type,
        modelId: VPC.id,
        dataName,
        version,
        isLatest: version === 3,
      }),
    ),
  );
  seedRows(catalog, theirs);
  return otherRows(catalog);
}

const otherRows = (catalog: MemoryCatalog) =>
  catalog
    .scan({ namespace: "security" }, null, 100)
    .rows.map((r) => `${r.dataName}@${r.version}${r.isLatest ? "*" : ""}`)
    .sort();

describe("data delete", () => {
  test("one name: planned, deleted under the model's lease, taken out of the catalog", async () => {
    const { deps, repo, lease, put, rows } = setup();
    await put("main");
    await put("main");
    await put("other");
    const plan = await planDataDelete(repo, VPC, { kind: "name", name: "main" });
    expect(plan).toMatchObject({ batch: false, names: ["main"], versions: 2 });
    expect(await dataDelete(deps, plan)).toEqual({ namesDeleted: 1, versionsDeleted: 2, failed: [] });
    expect(lease.taken).toEqual([`data delete:${VPC.id}`]);
    expect(await repo.versions(VPC, "main")).toEqual([]);
    expect(rows()).toEqual([["other", 1, true]]);
  });

  test("in a namespace, deletions leave another namespace's rows of the same names", async () => {
    const { deps, repo, catalog, put, rows } = setup("infra");
    await put("main");
    await put("main");
    await put("other");
    const before = seedOtherNamespace(catalog, ["main", "other"]);
    await dataDelete(deps, await planDataDelete(repo, VPC, { kind: "name", name: "main", version: 2 }));
    await dataDelete(deps, await planDataDelete(repo, VPC, { kind: "name", name: "other" }));
    expect(rows()).toEqual([["main", 1, true]]);
    expect(otherRows(catalog)).toEqual(before);
  });

  test("one version: the next one down becomes the latest", async () => {
    const { deps, repo, put, rows } = setup();
    await put("main");
    await put("main");
    const plan = await planDataDelete(repo, VPC, { kind: "name", name: "main", version: 2 });
    expect(plan.versions).toBe(1);
    expect(await dataDelete(deps, plan)).toMatchObject({ namesDeleted: 0, versionsDeleted: 1 });
    expect(rows()).toEqual([["main", 1, true]]);
  });

  test("nothing to delete under one name is not_found, naming what to list", async () => {
    const { repo, put } = setup();
    await put("main");
    for (const selection of [
      { kind: "name" as const, name: "nope" },
      { kind: "name" as const, name: "main", version: 7 },
    ]) {
      const err = await planDataDelete(repo, VPC, selection).catch((e) => e);
      expect(err.code).toBe("not_found");
      expect(err.message).toContain(`swamp data versions ${VPC.name}`);
    }
  });

  test("a batch by prefix, or every name; an empty batch is no error", async () => {
    const { deps, repo, put, rows } = setup();
    await put("tmp-a");
    await put("tmp-b");
    await put("keep");
    const plan = await planDataDelete(repo, VPC, { kind: "batch", prefix: "tmp-", all: false });
    expect(plan).toMatchObject({ batch: true, names: ["tmp-a", "tmp-b"], versions: 2 });
    expect(await dataDelete(deps, plan)).toEqual({ namesDeleted: 2, versionsDeleted: 2, failed: [] });
    expect(rows()).toEqual([["keep", 1, true]]);
    expect((await planDataDelete(repo, VPC, { kind: "batch", prefix: "zz", all: false })).names).toEqual([]);
    expect((await planDataDelete(repo, VPC, { kind: "batch", all: true })).names).toEqual(["keep"]);
  });

  test("a lost lease deletes nothing", async () => {
    const { deps, repo, lease, put, rows } = setup();
    await put("main");
    const plan = await planDataDelete(repo, VPC, { kind: "batch", all: true });
    lease.lost = true;
    expect((await dataDelete(deps, plan).catch((e) => e)).code).toBe("lock_lost");
    expect(await repo.versions(VPC, "main")).toEqual([1]);
    expect(rows()).toEqual([["main", 1, true]]);
  });
});

describe("data rename", () => {
  test("copies the latest to the new name and leaves a tombstone; the catalog follows", async () => {
    const { deps, repo, lease, put, rows } = setup();
    await put("main", "one");
    await put("main", "two");
    const result = await dataRename(deps, { model: VPC, oldName: "main", newName: "primary" });
    expect(result).toEqual({ copiedVersion: 2, newVersion: 1, overwrote: false });
    expect(lease.taken).toEqual([`data rename:${VPC.id}`]);
    expect(new TextDecoder().decode((await repo.readContent(VPC, "primary", 1)) ?? undefined)).toBe("two");
    const tomb = await repo.latest(VPC, "main");
    expect(tomb).toMatchObject({ version: 3, lifecycle: "deleted", renamedTo: "primary" });
    const body = JSON.parse(new TextDecoder().decode((await repo.readContent(VPC, "main", 3)) ?? undefined));
    expect(body).toEqual({ renamedTo: "primary", renamedAt: "2026-06-01T00:00:00.000Z" });
    expect((await repo.latest(VPC, "primary"))?.tags.specName).toBe("primary");
    expect(rows()).toEqual([["primary", 1, true]]);
  });

  test("onto an existing name of the same owner: its next version, reported", async () => {
    const { deps, put } = setup();
    await put("main");
    await put("primary");
    expect(await dataRename(deps, { model: VPC, oldName: "main", newName: "primary" })).toEqual({
      copiedVersion: 1,
      newVersion: 2,
      overwrote: true,
    });
  });

  test("a missing or already renamed name is not_found; bad new names fail first", async () => {
    const { deps, put } = setup();
    expect((await dataRename(deps, { model: VPC, oldName: "x", newName: "y" }).catch((e) => e)).code).toBe(
      "not_found",
    );
    await put("main");
    await dataRename(deps, { model: VPC, oldName: "main", newName: "primary" });
    expect(
      (await dataRename(deps, { model: VPC, oldName: "main", newName: "again" }).catch((e) => e)).code,
    ).toBe("not_found");
    expect(() => checkRenameNames("a", "a")).toThrow(/the old name/);
    expect(() => checkRenameNames("a", "b/c")).toThrow(SwampError);
  });

  test("another owner's name is not overwritten", async () => {
    const { deps, put, rows } = setup();
    await put("main");
    await put("theirs", "x", { ownerDefinition: { ownerType: "workflow", ownerRef: "wf:deploy" } });
    const err = await dataRename(deps, { model: VPC, oldName: "main", newName: "theirs" }).catch((e) => e);
    expect(err.code).toBe("ownership_conflict");
    expect(rows()).toEqual([
      ["main", 1, true],
      ["theirs", 1, true],
    ]);
  });

  test("a lost lease writes nothing", async () => {
    const { deps, repo, lease, put } = setup();
    await put("main");
    lease.lost = true;
    const err = await dataRename(deps, { model: VPC, oldName: "main", newName: "primary" }).catch((e) => e);
    expect(err.code).toBe("lock_lost");
    expect(await repo.versions(VPC, "primary")).toEqual([]);
    expect(await repo.versions(VPC, "main")).toEqual([1]);
  });
});

describe("data gc", () => {
  async function seeded() {
    const world = setup();
    await world.put("old", "12345", { lifetime: "1d" });
    for (const text of ["a", "bb", "ccc"]) await world.put("kept", text, { garbageCollection: 1 });
    await world.clock.advance(2 * DAY);
    return world;
  }

  test("a dry run plans under the global lease, asks nothing and deletes nothing", async () => {
    const { deps, lease, rows } = await seeded();
    let asked = 0;
    const result = await dataGc(deps, { dryRun: true, confirm: async () => ++asked > 0 });
    expect(asked).toBe(0);
    expect(lease.taken).toEqual(["data gc:global"]);
    expect(result).toEqual({
      expired: [{ model: { type: VPC.type, id: VPC.id }, name: "old", reason: "duration-expired" }],
      excess: 2,
      versionsDeleted: 2,
      bytesReclaimed: 5 + 1 + 2,
      dryRun: true,
      compacted: null,
    });
    expect(rows().length).toBe(4);
  });

  test("declined, it previews; confirmed, it deletes expired names, then excess versions, and compacts", async () => {
    const { deps, repo, rows } = await seeded();
    const declined = await dataGc(deps, { dryRun: false, confirm: async () => false });
    expect(declined.dryRun).toBe(true);
    const asked: unknown[] = [];
    const result = await dataGc(deps, {
      dryRun: false,
      confirm: async (counts) => {
        asked.push(counts);
        return true;
      },
    });
    expect(asked).toEqual([{ expired: 1, excess: 2 }]);
    expect(result).toMatchObject({ versionsDeleted: 3, dryRun: false });
    expect(result.compacted).not.toBeNull();
    expect(await repo.names(VPC)).toEqual(["kept"]);
    expect(await repo.versions(VPC, "kept")).toEqual([3]);
    expect(rows()).toEqual([["kept", 3, true]]);
  });

  test("in a namespace, it collects only that namespace's rows", async () => {
    const world = setup("infra");
    await world.put("old", "12345", { lifetime: "1d" });
    for (const text of ["a", "bb", "ccc"]) await world.put("kept", text, { garbageCollection: 1 });
    await world.clock.advance(2 * DAY);
    const before = seedOtherNamespace(world.catalog, ["old", "kept"]);
    const result = await dataGc(world.deps, { dryRun: false, confirm: async () => true });
    expect(result.versionsDeleted).toBe(3);
    expect(world.rows()).toEqual([["kept", 3, true]]);
    expect(otherRows(world.catalog)).toEqual(before);
  });

  test("nothing to collect asks nothing, and says it ran (it deleted nothing), not what it would delete", async () => {
    const { deps, put } = setup();
    await put("main");
    let asked = false;
    const result = await dataGc(deps, {
      dryRun: false,
      confirm: async () => {
        asked = true;
        return true;
      },
    });
    expect(asked).toBe(false);
    expect(result).toMatchObject({ expired: [], excess: 0, versionsDeleted: 0, dryRun: false });
  });

  test("a lost lease stops before the first deletion", async () => {
    const { deps, repo, lease } = await seeded();
    lease.lost = true;
    const err = await dataGc(deps, { dryRun: false, confirm: async () => true }).catch((e) => e);
    expect(err.code).toBe("lock_lost");
    expect(await repo.names(VPC)).toEqual(["kept", "old"]);
  });
});
