import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../adapters/fs/fs-data-repository.ts";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import { followDatastoreChanges, REFRESH_NAMES_MAX } from "../../core/catalog-follow.ts";
import type { ChangeFeed, ChangesSince } from "../../core/ports/change-feed.ts";
import { catalogRow, seedRows } from "../conformance/catalog-suite.ts";
import { bytes, manualVersion, VPC } from "../support/data-fixtures.ts";
import { FakeClock } from "../support/fake-clock.ts";

let root: string;
let repo: FsDataRepository;
let catalog: MemoryCatalog;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "swamp-follow-"));
  repo = new FsDataRepository(root, { clock: new FakeClock(), host: systemHost() });
  catalog = new MemoryCatalog();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A feed that gives the scripted answer and remembers the cursors it was asked about. */
function feed(answer: ChangesSince): ChangeFeed & { asked: (string | null)[] } {
  const asked: (string | null)[] = [];
  return {
    asked,
    since: (cursor) => {
      asked.push(cursor);
      return Promise.resolve(answer);
    },
  };
}

const ref = (name: string) => ({ type: VPC.type, id: VPC.id, name });
const names = () =>
  catalog
    .scan({ latestOnly: true }, null, 1000)
    .rows.map((r) => `${r.namespace}|${r.dataName}@${r.version}`)
    .sort();
const follow = (changes: ChangeFeed, namespace = "") =>
  followDatastoreChanges({ feed: changes, repo, catalog, namespace });

/** A catalog that has followed the feed up to "c1" and holds `main` v1. */
async function followedCatalog(): Promise<void> {
  await repo.write(VPC, "main", bytes("1"), manualVersion());
  await follow(feed({ kind: "unknown", cursor: "c1" }));
}

describe("followDatastoreChanges", () => {
  test("a new catalog is built from the datastore and remembers the cursor, whatever the feed says", async () => {
    await repo.write(VPC, "main", bytes("1"), manualVersion());
    const changes = feed({ kind: "names", names: [], cursor: "c1" });
    expect(await follow(changes)).toEqual({ kind: "rebuilt", rows: 1 });
    expect(changes.asked).toEqual([null]);
    expect(names()).toEqual(["|main@1"]);
    expect(catalog.isPopulated("")).toBe(true);
    expect(catalog.changeCursor("")).toBe("c1");
  });

  test("a namespace the catalog never followed is built, though another one is populated", async () => {
    await followedCatalog();
    const changes = feed({ kind: "names", names: [], cursor: "i1" });
    expect(await follow(changes, "infra")).toEqual({ kind: "rebuilt", rows: 1 });
    expect(changes.asked).toEqual([null]);
    expect(names()).toEqual(["infra|main@1", "|main@1"]);
    expect(catalog.changeCursor("infra")).toBe("i1");
    // Back in the first namespace: it goes on from its own cursor.
    const back = feed({ kind: "unchanged" });
    expect(await follow(back)).toEqual({ kind: "current" });
    expect(back.asked).toEqual(["c1"]);
  });

  test("an unchanged feed costs nothing: the catalog answers as it is", async () => {
    await followedCatalog();
    // Written without the feed telling: invisible until it does.
    await repo.write(VPC, "silent", bytes("x"), manualVersion());
    const changes = feed({ kind: "unchanged" });
    expect(await follow(changes)).toEqual({ kind: "current" });
    expect(changes.asked).toEqual(["c1"]);
    expect(names()).toEqual(["|main@1"]);
    expect(catalog.changeCursor("")).toBe("c1");
  });

  test("changed names are read again: new ones appear, new versions are latest, deleted ones go", async () => {
    await repo.write(VPC, "gone", bytes("x"), manualVersion());
    await followedCatalog();
    await repo.write(VPC, "main", bytes("2"), manualVersion());
    await repo.write(VPC, "new", bytes("n"), manualVersion());
    await repo.deleteName(VPC, "gone");
    const changes = feed({ kind: "names", names: [ref("main"), ref("new"), ref("gone")], cursor: "c2" });
    expect(await follow(changes)).toEqual({ kind: "refreshed", names: 3, rows: 3 });
    expect(names()).toEqual(["|main@2", "|new@1"]);
    expect(catalog.changeCursor("")).toBe("c2");
  });

  test("names of the catalog's own namespace only; other namespaces' rows stay", async () => {
    seedRows(catalog, [catalogRow({ namespace: "other", dataName: "main" })]);
    await repo.write(VPC, "main", bytes("1"), manualVersion());
    await follow(feed({ kind: "unknown", cursor: "c1" }), "infra");
    await repo.deleteName(VPC, "main");
    await follow(feed({ kind: "names", names: [ref("main")], cursor: "c2" }), "infra");
    expect(names()).toEqual(["other|main@1"]);
  });

  test("a feed that cannot say what changed: the namespace's rows are rebuilt, stale ones go", async () => {
    await followedCatalog();
    seedRows(catalog, [catalogRow({ modelId: VPC.id, dataName: "deleted-elsewhere" })]);
    seedRows(catalog, [catalogRow({ namespace: "foreign", dataName: "theirs" })]);
    await repo.write(VPC, "new", bytes("n"), manualVersion());
    const outcome = await follow(feed({ kind: "unknown", cursor: "c9", problem: "the log was damaged" }));
    expect(outcome).toEqual({ kind: "rebuilt", rows: 2, problem: "the log was damaged" });
    expect(names()).toEqual(["foreign|theirs@1", "|main@1", "|new@1"]);
    expect(catalog.changeCursor("")).toBe("c9");
  });

  test(`more than ${REFRESH_NAMES_MAX} changed names: one rebuild instead`, async () => {
    await followedCatalog();
    seedRows(catalog, [catalogRow({ modelId: VPC.id, dataName: "deleted-elsewhere" })]);
    const many = Array.from({ length: REFRESH_NAMES_MAX + 1 }, (_, i) => ref(`n-${i}`));
    expect(await follow(feed({ kind: "names", names: many, cursor: "c2" }))).toEqual({
      kind: "rebuilt",
      rows: 1,
    });
    expect(names()).toEqual(["|main@1"]);
    expect(catalog.changeCursor("")).toBe("c2");
  });

  test("the cursor moves only once the catalog has caught up", async () => {
    await followedCatalog();
    const failing = Object.assign(Object.create(repo) as FsDataRepository, {
      versions: () => Promise.reject(new Error("disk gone")),
    });
    const changes = feed({ kind: "names", names: [ref("main")], cursor: "c2" });
    await expect(
      followDatastoreChanges({ feed: changes, repo: failing, catalog, namespace: "" }),
    ).rejects.toThrow("disk gone");
    expect(catalog.changeCursor("")).toBe("c1");
  });
});
