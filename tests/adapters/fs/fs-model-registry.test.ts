import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsModelRegistry } from "../../../adapters/fs/fs-model-registry.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";

describe("FsModelRegistry", () => {
  let repoDir: string;
  let registry: FsModelRegistry;
  beforeEach(() => {
    repoDir = mkdtempSync(join(tmpdir(), "swamp-models-"));
    registry = new FsModelRegistry(repoDir, systemHost());
  });
  afterEach(() => rmSync(repoDir, { recursive: true, force: true }));

  test("create writes a minimal definition under models/{type}/{name}.yaml", async () => {
    const ref = await registry.create("vpc", "AWS::EC2::VPC");
    expect(ref).toMatchObject({ type: "aws/ec2/vpc", name: "vpc" });
    const yaml = Bun.YAML.parse(
      readFileSync(join(repoDir, "models", "aws", "ec2", "vpc", "vpc.yaml"), "utf8"),
    );
    expect(yaml).toEqual({ id: ref.id, name: "vpc", type: "aws/ec2/vpc", version: 1, tags: {} });
    expect(readdirSync(join(repoDir, "models", "aws", "ec2", "vpc"))).toEqual(["vpc.yaml"]);
  });

  test("resolve finds a model by name and by id; unknown is null", async () => {
    const ref = await registry.create("vpc", "aws/ec2/vpc");
    expect(await registry.resolve("vpc")).toEqual(ref);
    expect(await registry.resolve(ref.id)).toEqual(ref);
    expect(await registry.resolve("nope")).toBeNull();
    expect(await registry.resolve("vpc", "AWS::EC2::VPC")).toEqual(ref);
    expect(await registry.resolve("vpc", "gcp/net")).toBeNull();
    expect(await registry.resolve(ref.id, "aws::ec2::vpc")).toEqual(ref);
    expect(await registry.resolve(ref.id, "gcp/net")).toBeNull();
  });

  test("a name under several types asks for --model-type", async () => {
    await registry.create("main", "aws/vpc");
    await registry.create("main", "gcp/net");
    await expect(registry.resolve("main")).rejects.toMatchObject({
      code: "validation_failed",
      message:
        'Model "main" exists under several types: aws/vpc, gcp/net. Pass --model-type <type> to choose one, e.g. --model-type aws/vpc.',
    });
    expect((await registry.resolve("main", "gcp/net"))?.type).toBe("gcp/net");
    expect((await registry.named("main")).map((m) => m.type)).toEqual(["aws/vpc", "gcp/net"]);
    expect(await registry.named("other")).toEqual([]);
  });

  test("racing creators end with one definition", async () => {
    const refs = await Promise.all(Array.from({ length: 12 }, () => registry.create("vpc", "aws/vpc")));
    expect(new Set(refs.map((r) => r.id)).size).toBe(1);
    expect(readdirSync(join(repoDir, "models", "aws", "vpc"))).toEqual(["vpc.yaml"]);
  });

  test("racing creator processes end with one definition", async () => {
    const script = join(repoDir, "create.ts");
    writeFileSync(
      script,
      `import { FsModelRegistry } from ${JSON.stringify(join(import.meta.dir, "../../../adapters/fs/fs-model-registry.ts"))};
       import { systemHost } from ${JSON.stringify(join(import.meta.dir, "../../../adapters/system/system-host.ts"))};
       const ref = await new FsModelRegistry(process.argv[2], systemHost()).create("vpc", "aws/vpc");
       process.stdout.write(ref.id);`,
    );
    const children = Array.from({ length: 6 }, () => Bun.spawn([process.execPath, script, repoDir]));
    const ids = await Promise.all(children.map((c) => new Response(c.stdout).text()));
    expect(await Promise.all(children.map((c) => c.exited))).toEqual(Array(6).fill(0));
    expect(new Set(ids).size).toBe(1);
  });

  test("list returns every definition sorted, with the type from the directory", async () => {
    await registry.create("b", "x/y");
    await registry.create("a", "x/y");
    await registry.create("z", "a");
    mkdirSync(join(repoDir, "models", "legacy"), { recursive: true });
    writeFileSync(join(repoDir, "models", "legacy", "old.yaml"), "id: legacy-id\nname: Old\nmethods: {}\n");
    writeFileSync(join(repoDir, "models", "legacy", "notes.txt"), "ignored");
    expect((await registry.list()).map((m) => `${m.type}:${m.name}`)).toEqual([
      "a:z",
      "legacy:Old",
      "x/y:a",
      "x/y:b",
    ]);
    expect(await registry.resolve("legacy-id")).toEqual({ type: "legacy", id: "legacy-id", name: "Old" });
  });

  test("an empty repo has no models", async () => {
    expect(await registry.list()).toEqual([]);
  });

  test("invalid names and types are rejected before writing", async () => {
    await expect(registry.create("a/b", "aws")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(registry.create("..", "aws")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(registry.create("ok", "../x")).rejects.toMatchObject({ code: "validation_failed" });
    await expect(registry.resolve("ok", "")).rejects.toMatchObject({ code: "validation_failed" });
    expect(readdirSync(repoDir)).toEqual([]);
  });

  test("a definition without an id is reported with its path", async () => {
    mkdirSync(join(repoDir, "models", "t"), { recursive: true });
    writeFileSync(join(repoDir, "models", "t", "bad.yaml"), "name: bad\n");
    await expect(registry.list()).rejects.toThrow(join(repoDir, "models", "t", "bad.yaml"));
  });
});
