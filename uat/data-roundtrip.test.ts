import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { GetDoc, ListDoc, PutDoc, QueryDoc, SelectDoc, VersionsDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, type Repo } from "./support/swamp.ts";
import { sha256Hex } from "./support/tree.ts";

installCleanup();

const VALUES = [1, 2, 3].map((n) => JSON.stringify({ cidr: "10.0.0.0/16", n }));
const PUT_KEYS = [
  "checksum",
  "contentType",
  "createdAt",
  "id",
  "modelId",
  "modelName",
  "modelType",
  "name",
  "namespace",
  "rebased",
  "size",
  "version",
];
const GET_REQUIRED = [
  "contentPath",
  "contentType",
  "createdAt",
  "garbageCollection",
  "id",
  "lifetime",
  "modelId",
  "modelName",
  "modelType",
  "name",
  "ownerDefinition",
  "streaming",
  "tags",
  "version",
];
const GET_OPTIONAL = ["checksum", "content", "contentEncoding", "size"];
const LIST_ITEM_KEYS = [
  "contentType",
  "createdAt",
  "dataType",
  "id",
  "name",
  "size",
  "streaming",
  "type",
  "version",
];

const isIsoTime = (s: string) => !Number.isNaN(Date.parse(s)) && s.includes("T");

describe("three versions written and read back", () => {
  let repo: Repo;
  const puts: PutDoc[] = [];

  beforeAll(async () => {
    repo = await makeRepo();
    for (const value of VALUES) {
      const r = await repo.run([
        "data",
        "put",
        "vpc",
        "main",
        "--model-type",
        "aws::ec2::vpc",
        "--value",
        value,
        "--json",
      ]);
      puts.push(expectExit(r, 0).json<PutDoc>());
    }
    // A second model, so the queries below have something to leave out.
    const other = await repo.run([
      "data",
      "put",
      "subnet",
      "a",
      "--model-type",
      "aws::ec2::subnet",
      "--value",
      "{}",
    ]);
    expectExit(other, 0);
  });

  test("data put --json prints its document for each version", () => {
    expect(puts.map((p) => p.version)).toEqual([1, 2, 3]);
    puts.forEach((put, i) => {
      const value = VALUES[i] as string;
      expect(Object.keys(put).sort()).toEqual(PUT_KEYS);
      expect(put).toMatchObject({
        name: "main",
        modelName: "vpc",
        modelType: "aws/ec2/vpc",
        namespace: "",
        contentType: "application/json",
        size: Buffer.byteLength(value),
        checksum: sha256Hex(value),
      });
      expect(isIsoTime(put.createdAt)).toBe(true);
    });
    // The record id and the model id are stable across versions of a name.
    expect(new Set(puts.map((p) => p.id)).size).toBe(1);
    expect(new Set(puts.map((p) => p.modelId)).size).toBe(1);
  });

  test("data get returns the latest version, or the one asked for, with parsed JSON content", async () => {
    const latest = expectExit(await repo.run(["data", "get", "vpc", "main", "--json"]), 0).json<GetDoc>();
    const keys = Object.keys(latest);
    expect(keys).toEqual(expect.arrayContaining(GET_REQUIRED));
    expect(keys.filter((k) => !GET_REQUIRED.includes(k) && !GET_OPTIONAL.includes(k))).toEqual([]);
    const put3 = puts[2] as PutDoc;
    expect(latest).toMatchObject({
      id: put3.id,
      name: "main",
      modelId: put3.modelId,
      modelName: "vpc",
      modelType: "aws/ec2/vpc",
      version: 3,
      contentType: "application/json",
      lifetime: "infinite",
      garbageCollection: 10,
      streaming: false,
      tags: { type: "resource", specName: "main", modelName: "vpc" },
      ownerDefinition: { ownerType: "manual", ownerRef: "cli:vpc" },
      size: put3.size,
      checksum: put3.checksum,
      content: { cidr: "10.0.0.0/16", n: 3 },
    });
    expect(isAbsolute(latest.contentPath)).toBe(false);
    expect(readFileSync(join(repo.dir, latest.contentPath), "utf8")).toBe(VALUES[2] as string);

    const first = expectExit(await repo.run(["data", "get", "vpc", "main", "--version", "1", "--json"]), 0);
    expect(first.json<GetDoc>()).toMatchObject({ version: 1, content: { cidr: "10.0.0.0/16", n: 1 } });

    const flags = expectExit(
      await repo.run(["data", "get", "--model", "vpc", "--name", "main", "--json"]),
      0,
    );
    expect(flags.json<GetDoc>().version).toBe(3);
  });

  test("data list groups the latest version of each name by type, without a namespace key in solo mode", async () => {
    const list = expectExit(await repo.run(["data", "list", "vpc", "--json"]), 0).json<ListDoc>();
    const put3 = puts[2] as PutDoc;
    expect(Object.keys(list).sort()).toEqual(["groups", "modelId", "modelName", "modelType", "total"]);
    expect(list).toMatchObject({
      modelId: put3.modelId,
      modelName: "vpc",
      modelType: "aws/ec2/vpc",
      total: 1,
    });
    expect(list.groups.map((g) => g.type)).toEqual(["resource"]);
    const items = list.groups[0]?.items ?? [];
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(LIST_ITEM_KEYS);
    expect(items[0]).toMatchObject({
      id: put3.id,
      name: "main",
      version: 3,
      contentType: "application/json",
      type: "resource",
      dataType: "resource",
      streaming: false,
      size: put3.size,
    });
  });

  test("data versions lists every version newest first, only the newest marked latest", async () => {
    const doc = expectExit(
      await repo.run(["data", "versions", "vpc", "main", "--json"]),
      0,
    ).json<VersionsDoc>();
    const put3 = puts[2] as PutDoc;
    expect(doc).toMatchObject({
      name: "main",
      dataName: "main",
      modelId: put3.modelId,
      modelName: "vpc",
      modelType: "aws/ec2/vpc",
    });
    expect(doc.total).toBe(3);
    expect(doc.versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(doc.versions.map((v) => v.isLatest)).toEqual([true, false, false]);
    expect(doc.versions.map((v) => v.checksum)).toEqual([2, 1, 0].map((i) => sha256Hex(VALUES[i] as string)));
    for (const v of doc.versions) expect(isIsoTime(v.createdAt)).toBe(true);
  });

  test("data query answers with the latest record, its content parsed, unless the predicate mentions version", async () => {
    const byModel = expectExit(
      await repo.run(["data", "query", 'modelName == "vpc"', "--json"]),
      0,
    ).json<QueryDoc>();
    expect(byModel.predicate).toBe('modelName == "vpc"');
    expect(byModel.total).toBe(1);
    expect(byModel.limited).toBe(false);
    expect(byModel.results).toHaveLength(1);
    expect(byModel.results[0]).toMatchObject({
      name: "main",
      version: 3,
      isLatest: true,
      namespace: "",
      modelName: "vpc",
      modelType: "aws/ec2/vpc",
      content: { cidr: "10.0.0.0/16", n: 3 },
    });
    expect(byModel.results[0]).not.toHaveProperty("attributes");

    const all = await repo.run(["data", "query", 'name == "main" && version >= 1', "--json"]);
    const allDoc = expectExit(all, 0).json<QueryDoc>();
    expect(allDoc.total).toBe(3);
    expect(allDoc.results.map((r) => r.version).sort()).toEqual([1, 2, 3]);
    expect(allDoc.results.filter((r) => r.isLatest).map((r) => r.version)).toEqual([3]);

    const select = await repo.run([
      "data",
      "query",
      'modelName == "vpc"',
      "--select",
      "attributes.n",
      "--json",
    ]);
    expect(expectExit(select, 0).json<SelectDoc>()).toEqual({ results: [3], total: 1, limited: false });

    const limited = await repo.run([
      "data",
      "query",
      'name == "main" && version >= 1',
      "--limit",
      "2",
      "--json",
    ]);
    const limitedDoc = expectExit(limited, 0).json<QueryDoc>();
    expect(limitedDoc.results).toHaveLength(2);
    expect(limitedDoc.limited).toBe(true);
  });

  test("log mode prints the key facts", async () => {
    const put = expectExit(await repo.run(["data", "put", "vpc", "logged", "--value", '{"n":9}']), 0);
    expect(put.stdout).toContain("Wrote logged v1");
    expect(put.stdout).toContain("vpc");

    const get = expectExit(await repo.run(["data", "get", "vpc", "main"]), 0);
    expect(get.stdout).toMatch(/Data:\s+main \(v3\)/);
    expect(get.stdout).toContain("aws/ec2/vpc");
    expect(get.stdout).toContain("10.0.0.0/16");

    const list = expectExit(await repo.run(["data", "list", "vpc"]), 0);
    expect(list.stdout).toContain("Data for vpc");
    expect(list.stdout).toMatch(/main\s+v3/);

    const query = expectExit(await repo.run(["data", "query", 'name == "main"']), 0);
    expect(query.stdout).toContain("main");
    expect(query.stdout).toMatch(/1 result/);
  });
});

describe("data put inputs and tags", () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeRepo();
  });

  test("--stdin", async () => {
    const r = await repo.run(["data", "put", "app", "piped", "--model-type", "app", "--stdin", "--json"], {
      stdin: '{"from":"stdin"}',
    });
    expect(expectExit(r, 0).json<PutDoc>()).toMatchObject({ version: 1, contentType: "application/json" });
    const get = expectExit(await repo.run(["data", "get", "app", "piped", "--json"]), 0).json<GetDoc>();
    expect(get.content).toEqual({ from: "stdin" });
  });

  test("--file, with the content type taken from the extension", async () => {
    const json = join(repo.dir, "plan.json");
    const text = join(repo.dir, "notes.txt");
    writeFileSync(json, '{"plan":[1,2]}');
    writeFileSync(text, "hello\nworld\n");

    const putJson = await repo.run([
      "data",
      "put",
      "app",
      "plan",
      "--model-type",
      "app",
      "--file",
      json,
      "--json",
    ]);
    expect(expectExit(putJson, 0).json<PutDoc>()).toMatchObject({
      contentType: "application/json",
      size: 14,
    });
    const putText = await repo.run(["data", "put", "app", "notes", "--file", text, "--json"]);
    expect(expectExit(putText, 0).json<PutDoc>()).toMatchObject({
      contentType: "text/plain",
      checksum: sha256Hex("hello\nworld\n"),
    });

    const plan = expectExit(await repo.run(["data", "get", "app", "plan", "--json"]), 0).json<GetDoc>();
    expect(plan.content).toEqual({ plan: [1, 2] });
    const notes = expectExit(await repo.run(["data", "get", "app", "notes", "--json"]), 0).json<GetDoc>();
    expect(notes.content).toBe("hello\nworld\n");
    expect(existsSync(join(repo.dir, notes.contentPath))).toBe(true);
  });

  test("--tag values show in get's tags and are queryable", async () => {
    const put = await repo.run([
      "data",
      "put",
      "app",
      "tagged",
      "--model-type",
      "app",
      "--value",
      "1",
      "--tag",
      "env=prod",
    ]);
    expectExit(put, 0);
    const get = expectExit(await repo.run(["data", "get", "app", "tagged", "--json"]), 0).json<GetDoc>();
    expect(get.tags).toMatchObject({ env: "prod", type: "resource", specName: "tagged", modelName: "app" });

    const query = await repo.run(["data", "query", 'tags.env == "prod"', "--select", "name", "--json"]);
    expect(expectExit(query, 0).json<SelectDoc>()).toEqual({ results: ["tagged"], total: 1, limited: false });
  });
});
