import { beforeAll, describe, expect, test } from "bun:test";
import { installCleanup } from "./support/cleanup.ts";
import type { ListDoc } from "./support/shapes.ts";
import { describeRun, expectExit, makeRepo, type Repo } from "./support/swamp.ts";

installCleanup();

const NAMES = ["keep", "tmp-a", "tmp-b"];

/** Every name of model `vpc` with its latest version, from `data list --json` (which fails on empty output). */
async function listed(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "list", "vpc", "--json"]), 0).json<ListDoc>();
  return doc.groups
    .flatMap((g) => g.items)
    .map((i) => `${i.name}@${i.version}`)
    .sort();
}

/** The command exits 2 with a usage error naming each of `mentions`, prints no result, and changes no record. */
async function expectRefused(repo: Repo, args: string[], mentions: string[]): Promise<void> {
  const before = await listed(repo);
  const r = await repo.run([...args, "--json"]);
  if (r.code !== 2) throw new Error(`expected exit 2 (usage).\n${describeRun(r)}`);
  expect(r.stdout).toBe("");
  const doc = r.errorJson();
  expect(doc.code).toBe("usage");
  for (const text of mentions) expect(doc.error).toContain(text);
  expect(await listed(repo)).toEqual(before);
}

describe("empty selectors are refused, and nothing is deleted", () => {
  let repo: Repo;
  const everything = NAMES.map((n) => `${n}@1`);

  beforeAll(async () => {
    repo = await makeRepo();
    for (const name of NAMES) {
      const put = ["data", "put", "vpc", name, "--model-type", "aws::ec2::vpc", "--value", "{}"];
      expectExit(await repo.run(put), 0);
    }
    expect(await listed(repo)).toEqual(everything);
  });

  test("data delete --prefix '' does not delete every name; the message names --prefix and --all", async () => {
    for (const extra of [[], ["--all"], ["--dry-run"]]) {
      await expectRefused(
        repo,
        ["data", "delete", "vpc", "--prefix", "", "-y", ...extra],
        ["--prefix ''", "--all", "swamp data delete vpc --prefix"],
      );
    }
    const plain = await repo.run(["data", "delete", "vpc", "--prefix", "", "-y"]);
    expectExit(plain, 2);
    expect(plain.stderr).toContain("every name");
    expect(await listed(repo)).toEqual(everything);
  });

  test("an empty name or model is refused wherever one is given", async () => {
    const cases: [string[], string][] = [
      [["data", "delete", "vpc", "", "-y"], "name is empty"],
      [["data", "delete", "vpc", "--name", "", "-y"], "name is empty"],
      [["data", "delete", "vpc", "", "--version", "1", "-y"], "name is empty"],
      [["data", "delete", "", "keep", "-y"], "model is empty"],
      [["data", "delete", "--model", "", "keep", "-y"], "model is empty"],
      [["data", "get", "vpc", ""], "name is empty"],
      [["data", "versions", "vpc", ""], "name is empty"],
      [["data", "list", ""], "model is empty"],
      [["data", "rename", "vpc", "", "renamed"], "old name is empty"],
      [["data", "rename", "vpc", "keep", ""], "new name is empty"],
      [["data", "put", "vpc", "", "--value", "1"], "name is empty"],
      [["data", "put", "", "x", "--value", "1"], "model is empty"],
    ];
    for (const [args, message] of cases) await expectRefused(repo, args, [message, "Example: swamp data"]);
  });

  test("an empty --type, --select or --tag is refused", async () => {
    await expectRefused(
      repo,
      ["data", "list", "vpc", "--type", ""],
      ["--type ''", "swamp data list vpc --type"],
    );
    await expectRefused(repo, ["data", "query", "true", "--select", ""], ["--select ''", "--select 'name'"]);
    const tagged = (tag: string) => ["data", "put", "vpc", "keep", "--value", "2", "--tag", tag];
    await expectRefused(repo, tagged(""), ['--tag ""', "expected key=value", "--tag env=prod"]);
    await expectRefused(repo, tagged("=prod"), ['--tag "=prod"', "key is empty", "--tag env=prod"]);
    await expectRefused(repo, tagged("env="), ['--tag "env="', "value is empty", "--tag env=prod"]);
    expect(await listed(repo)).toEqual(everything);
  });

  test("real selectors still work", async () => {
    const dry = await repo.run(["data", "delete", "vpc", "--prefix", "tmp-", "--dry-run", "--json"]);
    expect(expectExit(dry, 0).json<{ names: string[] }>().names).toEqual(["tmp-a", "tmp-b"]);
    expectExit(await repo.run(["data", "delete", "vpc", "--prefix", "tmp-", "-y", "--json"]), 0);
    expect(await listed(repo)).toEqual(["keep@1"]);
    const tagged = ["data", "put", "vpc", "keep", "--value", "2", "--tag", "env=prod", "--json"];
    expect(expectExit(await repo.run(tagged), 0).json<{ version: number }>().version).toBe(2);
  });
});
