import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectAll } from "./support/all-checks.ts";
import { installCleanup } from "./support/cleanup.ts";
import { putWithFailingPush } from "./support/pending-put.ts";
import { useProxiedServer } from "./support/proxied-server.ts";
import { contents, expectRecord } from "./support/record-view.ts";
import { type BucketClient, REMOTE_KINDS } from "./support/remote.ts";
import { bucketData, cacheDir, cloneVia, makeRemoteRepo, put, putArgs } from "./support/remote-repo.ts";
import type { PutDoc, RebasedDoc, SyncDoc } from "./support/shapes.ts";
import { describeRun, expectExit, type RunResult } from "./support/swamp.ts";
import { expectKept } from "./support/tree.ts";
import { rawRel, versionFilesOf } from "./support/version-files.ts";

installCleanup();

const MODEL = "m";
const NAME = "n";
const TYPE = "uat";
/** The one line a rebase prints on stderr (issue 6), and its start, for when the new number is not known. */
const rebaseStart = (from: number) => `${MODEL}/${NAME}: your v${from} is now v`;
const rebaseLine = (from: number, to: number) =>
  `${rebaseStart(from)}${to} — another clone wrote v${from} first`;
const SYNC = ["datastore", "sync", "--json"];

describe.each(REMOTE_KINDS)("a version whose push failed, on %s", (kind) => {
  const env = useProxiedServer(kind);

  test("is renumbered above the version another clone acknowledged meanwhile; nothing is lost", async () => {
    const a = await makeRemoteRepo(env.server, { endpoint: env.proxy.url });
    const { modelId } = await put(a.repo, MODEL, NAME, "v1");
    const b = cloneVia(a.repo, env.server.endpoint);
    expectExit(await b.run(["datastore", "sync", "--pull", "--json"]), 0);
    const bucketRaw = (version: number) =>
      text(a.bucket.get(`${a.prefix}/${rawRel(TYPE, modelId, NAME, version)}`));

    // (1) A writes v2; its push cannot upload anything, so v2 stays pending in A's cache only.
    await putWithFailingPush(env.proxy, a.repo, MODEL, NAME, "A-first");
    expect(readFileSync(join(cacheDir(a.repo), rawRel(TYPE, modelId, NAME, 2)), "utf8")).toBe("A-first");
    expect(await bucketRaw(2)).toBeNull();

    // (2) B, which never saw A's v2, writes and is acknowledged v2.
    const bPut = await put(b, MODEL, NAME, "B-acknowledged");
    expect(bPut.version).toBe(2);

    // (3) A writes again: its pending v2 must move above B's, and both of A's writes reach the store.
    const later = expectExit(await a.repo.run(putArgs(MODEL, NAME, "A-later")), 0);
    const aPut = later.json<PutDoc>();

    // (4) The bucket, read with the vendor's SDK: B's acknowledged bytes where B was told they are,
    // A's later write where A was told, A's first write renumbered to v3, and A told so.
    await expectAll("after A's second put", [
      async () => expect({ v2: await bucketRaw(2) }).toEqual({ v2: "B-acknowledged" }),
      () => expect({ reported: aPut.version }).toEqual({ reported: 4 }),
      async () =>
        expect({ v1: await bucketRaw(1), v3: await bucketRaw(3), v4: await bucketRaw(4) }).toEqual({
          v1: "v1",
          v3: "A-first",
          v4: "A-later",
        }),
      () => expectTold(later, aPut.rebased, { modelId, from: 2, to: 3 }),
    ]);

    // After a sync on both, both clones show the same four versions, contents and latest.
    for (const repo of [a.repo, b]) expectNoRebase(expectExit(await repo.run(SYNC), 0));
    const expected = { 1: "v1", 2: "B-acknowledged", 3: "A-first", 4: "A-later" };
    expect(await contents(a.repo, MODEL, NAME)).toEqual(expected);
    expect(await contents(b, MODEL, NAME)).toEqual(expected);
    expect(await expectRecord(b, MODEL, NAME)).toEqual(await expectRecord(a.repo, MODEL, NAME));
  });

  test("two clones with pending versions of one name sync at once, three times: every version kept once, all agree", async () => {
    const origin = await makeRemoteRepo(env.server);
    const { modelId } = await put(origin.repo, MODEL, NAME, "v1");
    const clones = [cloneVia(origin.repo, env.proxy.url), cloneVia(origin.repo, env.proxy.url)] as const;
    for (const clone of clones) expectExit(await clone.run(["datastore", "sync", "--pull", "--json"]), 0);
    // Both write v2 and cannot push it; meanwhile the origin is acknowledged v2.
    await putWithFailingPush(env.proxy, clones[0], MODEL, NAME, "X-pending");
    await putWithFailingPush(env.proxy, clones[1], MODEL, NAME, "Y-pending");
    expect((await put(origin.repo, MODEL, NAME, "O-acknowledged")).version).toBe(2);

    const rounds: RunResult[][] = [];
    for (let round = 1; round <= 3; round++) {
      const before = versionFilesOf(await bucketData(origin.bucket, origin.prefix));
      rounds.push(await Promise.all(clones.map((clone) => clone.spawn(SYNC).result)));
      expectKept(
        `round ${round} of concurrent syncs: the bucket's versions`,
        await bucketData(origin.bucket, origin.prefix),
        before,
      );
    }
    const last = rounds.at(-1) ?? [];
    if (last.some((r) => r.code !== 0))
      throw new Error(
        `the third round of concurrent syncs still fails:\n${rounds.flatMap((rs, i) => rs.map((r) => `round ${i + 1}: ${describeRun(r)}`)).join("\n")}`,
      );

    // Each clone was told, in one of the rounds, that its pending v2 moved.
    clones.forEach((clone, i) => {
      const told = rounds.some((results) => {
        const r = results[i];
        return r !== undefined && (r.stderr.includes(rebaseStart(2)) || movedFrom(r, 2));
      });
      if (!told)
        throw new Error(
          `${clone.dir} was never told its pending v2 moved:\n${rounds.map((rs) => describeRun(rs[i] as RunResult)).join("\n")}`,
        );
    });

    // A fresh clone sees every write exactly once, the acknowledged ones where they were acknowledged.
    const fresh = cloneVia(origin.repo, env.server.endpoint);
    for (const repo of [origin.repo, ...clones, fresh]) expectExit(await repo.run(SYNC), 0);
    const seen = await contents(fresh, MODEL, NAME);
    expect(Object.values(seen).sort()).toEqual(["O-acknowledged", "X-pending", "Y-pending", "v1"]);
    expect({ 1: seen[1], 2: seen[2] }).toEqual({ 1: "v1", 2: "O-acknowledged" });
    await expectInBucket(origin.bucket, origin.prefix, modelId, seen);

    const reference = await expectRecord(fresh, MODEL, NAME);
    for (const repo of [origin.repo, ...clones]) {
      expect(await expectRecord(repo, MODEL, NAME)).toEqual(reference);
      expect(await contents(repo, MODEL, NAME)).toEqual(seen);
    }
  }, 180_000);
});

/** The bucket holds each version's bytes as `seen` (version → text). */
async function expectInBucket(
  bucket: BucketClient,
  prefix: string,
  modelId: string,
  seen: Record<number, string>,
): Promise<void> {
  const inBucket: Record<number, string | null> = {};
  for (const version of Object.keys(seen).map(Number))
    inBucket[version] = await text(bucket.get(`${prefix}/${rawRel(TYPE, modelId, NAME, version)}`));
  expect(inBucket).toEqual(seen);
}

/** The writer was told its pending version moved: the stderr line and the `rebased` entry of its JSON. */
function expectTold(
  r: RunResult,
  rebased: RebasedDoc[] | undefined,
  { modelId, from, to }: { modelId: string; from: number; to: number },
): void {
  if (!r.stderr.includes(rebaseLine(from, to)))
    throw new Error(`stderr does not say "${rebaseLine(from, to)}".\n${describeRun(r)}`);
  expect({ rebased }).toMatchObject({ rebased: [{ modelName: MODEL, modelId, name: NAME, from, to }] });
}

/** The command's JSON says it renumbered v`from` of the name. */
function movedFrom(r: RunResult, from: number): boolean {
  try {
    return (r.json<SyncDoc>().rebased ?? []).some((e) => e.name === NAME && e.from === from);
  } catch {
    return false;
  }
}

/** A sync with nothing pending renumbers nothing, and says so with an empty `rebased`. */
function expectNoRebase(r: RunResult): void {
  expect({ rebased: r.json<SyncDoc>().rebased }).toEqual({ rebased: [] });
}

async function text(bytes: Promise<Uint8Array | null>): Promise<string | null> {
  const body = await bytes;
  return body === null ? null : new TextDecoder().decode(body);
}
