import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { rootDataDirs } from "../../../adapters/sync/root-data.ts";
import { PathResolver } from "../../../core/path-resolver.ts";
import { MODEL_1 } from "../../support/sync-machine.ts";

describe("rootDataDirs", () => {
  let base: string;
  const file = async (rel: string) => {
    await mkdir(dirname(join(base, rel)), { recursive: true });
    await writeFile(join(base, rel), "x");
  };

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), "swamp-root-data-"));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));
  const resolver = () =>
    new PathResolver({ repoDir: join(base, "repo"), datastoreBase: base, namespace: "infra" });

  test("names each datastore subdir holding a file at any depth, in the layout's order", async () => {
    await file("outputs/a/b/c/out.json");
    await file("data/t/id/n/1/raw");
    await file("infra/data/t/id/n/1/raw");
    await mkdir(join(base, "logs", "empty", "deeper"), { recursive: true });
    expect(await rootDataDirs(resolver())).toEqual(["data", "outputs"]);
  });

  test("internal and temp files, latest markers and symlinks are not data", async () => {
    await file(`${MODEL_1}/web/.0a1b.tmp/raw`);
    await file(`${MODEL_1}/web/latest`);
    await file(`${MODEL_1}/.lock`);
    await file("files/x.mutex");
    await mkdir(join(base, "logs"), { recursive: true });
    await symlink(join(base, "data"), join(base, "logs", "link"));
    expect(await rootDataDirs(resolver())).toEqual([]);
  });
});
