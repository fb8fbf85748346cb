import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walkVersionBatches } from "../../../adapters/fs/threaded-version-walk.ts";
import type { FoundVersion } from "../../../adapters/fs/version-walk.ts";

let dataDir: string;

beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), "swamp-walk-")), "data");
});
afterEach(() => rmSync(join(dataDir, ".."), { recursive: true, force: true }));

function version(relDir: string, text: string): void {
  mkdirSync(join(dataDir, relDir), { recursive: true });
  writeFileSync(join(dataDir, relDir, "metadata.yaml"), text);
}

async function walked(worker?: string): Promise<string[]> {
  const found: FoundVersion[] = [];
  for await (const batch of walkVersionBatches(dataDir, worker)) found.push(...batch);
  return found.map((f) => `${f.type}|${f.id}|${f.metadataPath.slice(dataDir.length + 1)}|${f.text}`);
}

function seed(): string[] {
  const expected: string[] = [];
  for (let n = 0; n < 300; n++) {
    for (const v of [1, 2]) {
      version(`aws/ec2/vpc/m-1/name-${n}/${v}`, `${n}.${v}`);
      expected.push(`aws/ec2/vpc|m-1|aws/ec2/vpc/m-1/name-${n}/${v}/metadata.yaml|${n}.${v}`);
    }
  }
  version("gcp/m-2/7/1", "numeric name");
  expected.push("gcp|m-2|gcp/m-2/7/1/metadata.yaml|numeric name");
  mkdirSync(join(dataDir, "gcp/m-2/7/2")); // a claimed dir without metadata: not a version
  version(".hidden/x/y/1", "hidden");
  version("gcp/m-2/.tmp-1/1", "temp");
  return expected.sort();
}

test("the worker finds every version, a name's versions one after another", async () => {
  const expected = seed();
  const found = await walked();
  expect([...found].sort()).toEqual(expected);
  const names = found.map((line) => line.split("|")[2]?.split("/").slice(0, -2).join("/"));
  const runs = names.filter((name, i) => name !== names[i - 1]);
  expect(runs).toHaveLength(new Set(names).size);
});

test("without a worker the walk runs in this thread and finds the same", async () => {
  const expected = seed();
  expect((await walked(new URL("./no-such-worker.ts", import.meta.url).href)).sort()).toEqual(expected);
});

test("an empty or missing datastore yields nothing", async () => {
  expect(await walked()).toEqual([]);
  mkdirSync(dataDir);
  expect(await walked()).toEqual([]);
});

test("a read error in the worker reaches the caller with its code", async () => {
  mkdirSync(join(dataDir, "aws/m-1/main/1"), { recursive: true });
  const looping = join(dataDir, "aws/m-1/main/1/metadata.yaml");
  symlinkSync(looping, looping);
  await expect(walked()).rejects.toMatchObject({ code: "ELOOP" });
});
