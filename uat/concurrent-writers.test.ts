import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import type { ListDoc, PutDoc, QueryDoc, VersionsDoc } from "./support/shapes.ts";
import { expectExit, makeRepo } from "./support/swamp.ts";

installCleanup();

const WRITERS = 8;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("concurrent data put", () => {
  test("8 processes on one model and name: versions 1..8, no gap, no duplicate, catalog agrees with the disk", async () => {
    const repo = await makeRepo();
    const writers = range(WRITERS).map((i) =>
      repo.spawn(["data", "put", "m", "n", "--model-type", "t", "--value", String(i), "--json"]),
    );
    const results = await Promise.all(writers.map((w) => w.result));
    for (const r of results) expectExit(r, 0);
    const puts = results.map((r) => r.json<PutDoc>());

    // Every writer saw the same model (created once, even though all of them raced to create it).
    const modelIds = new Set(puts.map((p) => p.modelId));
    expect(modelIds.size).toBe(1);
    const modelId = puts[0]?.modelId as string;
    expect(readdirSync(join(repo.dir, "models", "t"))).toEqual(["m.yaml"]);
    expect(puts.map((p) => p.version).sort((a, b) => a - b)).toEqual(range(WRITERS));

    // On disk: exactly the version dirs 1..8, each holding the value one writer wrote.
    const nameDir = join(repo.dir, ".swamp", "data", "t", modelId, "n");
    const versionDirs = readdirSync(nameDir)
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .sort((a, b) => a - b);
    expect(versionDirs).toEqual(range(WRITERS));
    const written: string[] = [];
    for (const v of versionDirs) {
      const metadataFile = join(nameDir, String(v), "metadata.yaml");
      expect(existsSync(metadataFile)).toBe(true);
      expect(parse(readFileSync(metadataFile, "utf8"))).toMatchObject({ name: "n", version: v });
      written.push(readFileSync(join(nameDir, String(v), "raw"), "utf8"));
    }
    expect(written.sort()).toEqual(range(WRITERS).map(String).sort());
    expect(readFileSync(join(nameDir, "latest"), "utf8").trim()).toBe(String(WRITERS));
    // Each writer's reported version holds that writer's value.
    puts.forEach((put, i) => {
      expect(readFileSync(join(nameDir, String(put.version), "raw"), "utf8")).toBe(String(i + 1));
    });

    const versions = expectExit(
      await repo.run(["data", "versions", "m", "n", "--json"]),
      0,
    ).json<VersionsDoc>();
    expect(versions.total).toBe(WRITERS);
    expect(versions.versions.map((v) => v.version)).toEqual(range(WRITERS).reverse());
    expect(versions.versions.filter((v) => v.isLatest).map((v) => v.version)).toEqual([WRITERS]);

    const query = await repo.run(["data", "query", 'name == "n" && version >= 1', "--json"]);
    const rows = expectExit(query, 0).json<QueryDoc>();
    expect(rows.total).toBe(WRITERS);
    expect(rows.results.map((r) => r.version).sort((a, b) => a - b)).toEqual(range(WRITERS));
    expect(rows.results.filter((r) => r.isLatest).map((r) => r.version)).toEqual([WRITERS]);
  });

  test("8 processes on 8 names of one model all succeed", async () => {
    const repo = await makeRepo();
    expectExit(await repo.run(["data", "put", "m", "seed", "--model-type", "t", "--value", "0"]), 0);
    const names = range(WRITERS).map((i) => `name-${i}`);
    const writers = names.map((name, i) =>
      repo.spawn(["data", "put", "m", name, "--value", String(i), "--json"]),
    );
    const results = await Promise.all(writers.map((w) => w.result));
    for (const r of results) expectExit(r, 0);
    expect(results.map((r) => r.json<PutDoc>().version)).toEqual(names.map(() => 1));

    const list = expectExit(await repo.run(["data", "list", "m", "--json"]), 0).json<ListDoc>();
    expect(list.total).toBe(WRITERS + 1);
    const listed = list.groups.flatMap((g) => g.items.map((item) => item.name)).sort();
    expect(listed).toEqual([...names, "seed"].sort());

    const query = await repo.run(["data", "query", 'modelName == "m"', "--json"]);
    expect(expectExit(query, 0).json<QueryDoc>().total).toBe(WRITERS + 1);
  });
});
