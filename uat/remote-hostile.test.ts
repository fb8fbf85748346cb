import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { entryFor, NOT_UTF8 } from "../tests/support/broken-shard.ts";
import { installCleanup } from "./support/cleanup.ts";
import { editBucketShard } from "./support/index-edit.ts";
import { addIndexEntries } from "./support/index-entries.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { cacheDir, isNotData, makeRemoteRepo, put, type RemoteRepo } from "./support/remote-repo.ts";
import type { GetDoc, SyncDoc } from "./support/shapes.ts";
import { cloneRepo, describeRun, expectExit, type Repo, type RunResult } from "./support/swamp.ts";
import { sha256Hex, snapshotTree } from "./support/tree.ts";

installCleanup();

/** Enough `..` to climb from any cache dir to `/`. */
const CLIMB = "../".repeat(16);

interface Hostile {
  /** The path relative to the swamp prefix (what an index entry or a listing yields). */
  rel: string;
  /** Where a naive engine would have written it; must never exist. */
  landing?: string;
  /** Put an object at `{prefix}/{rel}` too, so a naive engine finds bytes to write. */
  withObject: boolean;
}

/** Hostile paths, each with a unique marker so a stray write is found and blamed. */
function hostilePaths(): Hostile[] {
  const id = crypto.randomUUID().slice(0, 8);
  return [
    {
      rel: `data/${CLIMB}tmp/swamp-uat-climb-${id}`,
      landing: `/tmp/swamp-uat-climb-${id}`,
      withObject: true,
    },
    { rel: `/tmp/swamp-uat-abs-${id}`, landing: `/tmp/swamp-uat-abs-${id}`, withObject: true },
    { rel: `../../swamp-uat-up-${id}`, withObject: true },
    { rel: `data/a/../../../swamp-uat-mid-${id}`, withObject: true },
    { rel: `data\\..\\..\\swamp-uat-bs-${id}`, withObject: true },
    // No object: a naive engine must not even try to touch this file.
    { rel: "/etc/passwd", withObject: false },
  ];
}

describe.each(REMOTE_KINDS)("hostile bucket content (%s)", (kind) => {
  let server: RemoteServer;
  let writer: RemoteRepo;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(async () => {
    await server.reset();
    writer = await makeRemoteRepo(server, { prefix: "p" });
    await put(writer.repo, "vpc", "main", '{"good":1}');
    await put(writer.repo, "vpc", "other", '{"good":2}');
  });

  test("objects with traversal and absolute keys, found by listing (no index): refused, the good ones pulled", async () => {
    // Without an index, the first client discovers the bucket's content by listing it.
    for (const key of await writer.bucket.keys("p/_index/")) await writer.bucket.delete(key);
    const hostile = hostilePaths().filter((h) => h.withObject);
    for (const h of hostile) await writer.bucket.put(`p/${h.rel}`, `evil ${h.rel}`);

    const clone = cloneRepo(writer.repo);
    const r = await pullGuarded(clone, hostile);
    expect(r.code).toBe(0);
    expectReported(r, hostile);
    await expectGoodPulled(clone, writer.repo);
  });

  test("names no cache can hold and a file/folder conflict: pulls succeed naming each; a fixed bucket heals the clone", async () => {
    const long = `files/${"l".repeat(300)}`;
    const objects: Record<string, string> = {
      "files/good": "good",
      "files/a": "file a",
      "files/a/x": "under a",
      [long]: "long",
    };
    for (const [rel, body] of Object.entries(objects)) await writer.bucket.put(`p/${rel}`, body);
    await editBucketShard(writer.bucket, "p", "files", (entries) => {
      for (const [rel, body] of Object.entries(objects)) entries[rel] = entryFor(body);
      entries["files/lone-\ud800"] = entryFor("lone");
      entries[`files/bytes-${NOT_UTF8}`] = entryFor("bytes");
      entries["files/missing"] = entryFor("restored later");
    });

    const clone = cloneRepo(writer.repo);
    const expected: [string | RegExp, string][] = [
      [long, "a path segment of 300 bytes"],
      ["files/lone-\ud800", "lone surrogate"],
      [/^files\/bytes-\uFFFD+$/, "not valid UTF-8"],
      // Named by the index check the first time, by the cache's own file `files/a` after.
      ["files/a/x", "is a file"],
      ["files/missing", "missing from the store"],
    ];
    // Every pull goes on past them and names them again, until the bucket is fixed.
    for (let round = 1; round <= 2; round++) {
      const r = expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
      const skipped = r.json<SyncDoc>().rejected ?? [];
      for (const [key, reason] of expected) {
        const found = skipped.find((x) => (typeof key === "string" ? x.key === key : key.test(x.key)));
        if (!found?.reason.includes(reason))
          throw new Error(`round ${round}: ${key} was not skipped for "${reason}"\n${describeRun(r)}`);
      }
      expect(skipped).toHaveLength(expected.length);
      const warnings = r.stderr.split("\n").filter((line) => line.includes("Skipped remote entry"));
      expect(warnings).toHaveLength(expected.length);
      for (const name of ["lllll", "files/lone-\\\\ud800", "files/bytes-", "files/a/x", "files/missing"])
        expect({ name, named: warnings.some((line) => line.includes(name)) }).toEqual({ name, named: true });
      expect(r.stderr).toContain("swamp datastore sync --pull");
    }
    expect(filesOf(clone)).toEqual({ "files/a": sha256Hex("file a"), "files/good": sha256Hex("good") });
    await expectGoodPulled(clone, writer.repo);

    // Fixed: a corrected index (the bad entries gone, `files/a` now a folder), the missing object restored.
    await editBucketShard(writer.bucket, "p", "files", (entries) => {
      for (const rel of Object.keys(entries))
        if (!["files/good", "files/a/x", "files/missing"].includes(rel)) delete entries[rel];
    });
    await writer.bucket.put("p/files/missing", "restored later");
    const healed = expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    expect(healed.json<SyncDoc>().rejected).toEqual([]);
    expect(healed.stderr).not.toContain("Skipped");
    expect(filesOf(clone)).toEqual({
      "files/a/x": sha256Hex("under a"),
      "files/good": sha256Hex("good"),
      "files/missing": sha256Hex("restored later"),
    });
  });

  test("an index shard whose entries point outside the cache: refused, the good entries pulled", async () => {
    const hostile = hostilePaths();
    for (const h of hostile) if (h.withObject) await writer.bucket.put(`p/${h.rel}`, `evil ${h.rel}`);
    await addIndexEntries(
      writer.bucket,
      "p",
      hostile.map((h) => h.rel),
    );

    const clone = cloneRepo(writer.repo);
    const r = await pullGuarded(clone, hostile);
    expect(r.code).toBe(0);
    expectReported(r, hostile);
    await expectGoodPulled(clone, writer.repo);
  });
});

/** The files under `files/` in a clone's cache, with their hashes. */
function filesOf(clone: Repo): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshotTree(cacheDir(clone), ["files"])).filter(([rel]) => !rel.endsWith("/")),
  );
}

/** `ds sync --pull --json` in `clone`, checking that nothing was written outside its cache. */
async function pullGuarded(clone: Repo, hostile: Hostile[]): Promise<RunResult> {
  const cache = cacheDir(clone);
  // Everything in the sandbox HOME but the cache itself and the folders that lead to it.
  const cacheRel = join(".swamp-home", "repos", clone.repoId);
  const outside = () =>
    Object.keys(snapshotTree(clone.home, ["."], (rel) => rel === cacheRel)).filter(
      (rel) => !(rel.endsWith("/") && `${cacheRel}/`.startsWith(rel)),
    );
  const homeBefore = outside();
  const passwd = sha256Hex(readFileSync("/etc/passwd"));
  const r = await clone.run(["datastore", "sync", "--pull", "--json"]);
  expect(outside()).toEqual(homeBefore);
  for (const h of hostile)
    if (h.landing)
      expect({ landing: h.landing, exists: existsSync(h.landing) }).toMatchObject({ exists: false });
  expect(sha256Hex(readFileSync("/etc/passwd"))).toBe(passwd);
  // Inside the cache, nothing but safe paths either.
  for (const rel of Object.keys(snapshotTree(cache, ["."])))
    expect({ rel, hostile: /swamp-uat-/.test(rel) }).toMatchObject({ hostile: false });
  return r;
}

/** Every hostile path is named in the JSON `rejected` list or in a warning on stderr. */
function expectReported(r: RunResult, hostile: Hostile[]): void {
  let rejected: string[] = [];
  try {
    rejected = (JSON.parse(r.stdout) as SyncDoc).rejected?.map((x) => x.key) ?? [];
  } catch {
    // not JSON: the warnings on stderr must say it all
  }
  const missing = hostile.filter(
    (h) => !rejected.some((k) => k.includes(marker(h))) && !r.stderr.includes(marker(h)),
  );
  if (missing.length > 0)
    throw new Error(
      `these hostile entries were not reported: ${missing.map((h) => h.rel).join(", ")}\n${describeRun(r)}`,
    );
}

const marker = (h: Hostile) =>
  h.rel === "/etc/passwd" ? "/etc/passwd" : (/swamp-uat-[a-z]+-[0-9a-f]+/.exec(h.rel)?.[0] ?? h.rel);

/** The clone holds exactly the writer's data, and reads it. */
async function expectGoodPulled(clone: Repo, writer: Repo): Promise<void> {
  expect(snapshotTree(cacheDir(clone), ["data"], isNotData)).toEqual(
    snapshotTree(cacheDir(writer), ["data"], isNotData),
  );
  const r = await clone.run(["data", "get", "vpc", "main", "--json"]);
  expect(r.code).toBe(0);
  expect(r.json<GetDoc>().content).toEqual({ good: 1 });
}
