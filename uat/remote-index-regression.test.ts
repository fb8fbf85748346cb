import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { expectAll } from "./support/all-checks.ts";
import { installCleanup } from "./support/cleanup.ts";
import { INDEX_DAMAGES, metaBytes } from "./support/index-damage.ts";
import { REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import {
  bucketData,
  bucketObjects,
  makeRemoteRepo,
  put,
  putArgs,
  type RemoteRepo,
} from "./support/remote-repo.ts";
import { cloneRepo, describeRun, expectExit, type Repo } from "./support/swamp.ts";
import { expectKept, expectSameFiles } from "./support/tree.ts";
import { cacheData, versionFilesOf } from "./support/version-files.ts";

installCleanup();

/** The fix every refusal must name (issue 6). */
const FIX = "swamp datastore sync --republish";

/** A writer that pushed three commits and a clone that synced them both: both know the bucket's index. */
async function syncedPair(
  server: RemoteServer,
): Promise<{ writer: RemoteRepo; clone: Repo; older: Uint8Array }> {
  const writer = await makeRemoteRepo(server);
  await put(writer.repo, "m", "n", "v1");
  const older = await metaBytes(writer.bucket, writer.prefix);
  await put(writer.repo, "m", "n", "v2");
  await put(writer.repo, "m", "other", "o1");
  const clone = cloneRepo(writer.repo);
  for (const repo of [clone, writer.repo]) expectExit(await repo.run(["datastore", "sync", "--json"]), 0);
  expectSameFiles("the clone's cache, against the writer's", cacheData(clone), cacheData(writer.repo));
  return { writer, clone, older };
}

describe.each(REMOTE_KINDS)("the remote index only moves forward (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  for (const damage of INDEX_DAMAGES) {
    test(`a meta that ${damage.label}: writes refused naming --republish, nothing deleted or overwritten; --republish restores agreement`, async () => {
      const { writer, clone, older } = await syncedPair(server);
      const cachesBefore = [cacheData(writer.repo), cacheData(clone)];
      const versionsBefore = versionFilesOf(await bucketData(writer.bucket, writer.prefix));
      await damage.apply(writer.bucket, writer.prefix, older);

      for (const [repo, args] of [
        [clone, ["datastore", "sync", "--json"]],
        [writer.repo, putArgs("m", "n", "after the damage")],
      ] as const) {
        const bucketBefore = await bucketObjects(writer.bucket, writer.prefix);
        const r = await repo.run([...args]);
        const after = `after \`swamp ${args.join(" ")}\``;
        await expectAll(`a meta that ${damage.label}, then \`swamp ${args.join(" ")}\``, [
          () => {
            if (r.code !== 1 || !r.stderr.includes(FIX))
              throw new Error(`expected exit 1 and a message naming '${FIX}'.\n${describeRun(r)}`);
          },
          () => expectKept(`${after}: the writer's cache`, cacheData(writer.repo), cachesBefore[0] ?? {}),
          () => expectKept(`${after}: the clone's cache`, cacheData(clone), cachesBefore[1] ?? {}),
          async () =>
            expectKept(
              `${after}: the bucket`,
              await bucketObjects(writer.bucket, writer.prefix),
              bucketBefore,
            ),
        ]);
      }

      expectExit(await writer.repo.run(["datastore", "sync", "--republish", "--json"]), 0);
      expectKept(
        "the bucket's versions after --republish",
        await bucketData(writer.bucket, writer.prefix),
        versionsBefore,
      );
      await expectAgreement(writer, [writer.repo, clone, cloneRepo(writer.repo)]);
    });
  }

  test("setup re-run on an emptied bucket puts the cache back, byte for byte, and exits 0", async () => {
    const { writer } = await syncedPair(server);
    const cacheBefore = cacheData(writer.repo);
    for (const key of await writer.bucket.keys()) await writer.bucket.delete(key);
    expect(await writer.bucket.keys()).toEqual([]);

    const args = [...server.setupArgs(writer.bucket.name, { prefix: writer.prefix }), "--json"];
    expectExit(await writer.repo.run(args), 0);
    expectKept("the writer's cache after setup", cacheData(writer.repo), cacheBefore);
    expectKept(
      "the bucket after setup, against the cache's versions",
      await bucketData(writer.bucket, writer.prefix),
      versionFilesOf(cacheBefore),
    );
    await expectAgreement(writer, [writer.repo, cloneRepo(writer.repo)]);
  });
});

/** After a sync each, every repo holds the same data, and the bucket the same versions. */
async function expectAgreement(writer: RemoteRepo, repos: Repo[]): Promise<void> {
  for (const repo of repos) expectExit(await repo.run(["datastore", "sync", "--json"]), 0);
  const reference = cacheData(writer.repo);
  for (const repo of repos.slice(1))
    expectSameFiles(`the cache of ${repo.dir}, against the writer's`, cacheData(repo), reference);
  expectSameFiles(
    "the bucket's versions, against the writer's cache",
    versionFilesOf(await bucketData(writer.bucket, writer.prefix)),
    versionFilesOf(reference),
  );
}
