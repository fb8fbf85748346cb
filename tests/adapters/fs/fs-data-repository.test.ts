import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { StoredVersion } from "../../../core/ports/data-repository.ts";
import { bytes, manualVersion, VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const HOUR = 60 * 60 * 1000;
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
const sha256 = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest("hex");

describe("FsDataRepository", () => {
  let root: string;
  let clock: FakeClock;
  let mutations: (string | null)[];
  let repo: FsDataRepository;
  const nameDir = (name: string) => join(root, "data", "aws", "ec2", "vpc", VPC.id, name);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "swamp-data-"));
    clock = new FakeClock({ start: Date.parse("2026-03-01T10:00:00.000Z") });
    mutations = [];
    repo = new FsDataRepository(root, { clock, host: systemHost(), onMutate: (p) => mutations.push(p) });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test("writes and reads three versions of a name", async () => {
    const written = [];
    for (const body of ['{"a":1}', '{"a":2}', '{"a":33}']) {
      written.push(await repo.write(VPC, "config", bytes(body), manualVersion()));
      await clock.advance(1000);
    }
    expect(written.map((m) => m.version)).toEqual([1, 2, 3]);
    expect(new Set(written.map((m) => m.id)).size).toBe(1);
    expect(written[2]).toMatchObject({
      name: "config",
      version: 3,
      size: 8,
      checksum: sha256('{"a":33}'),
      createdAt: "2026-03-01T10:00:02.000Z",
      contentType: "application/json",
      tags: { type: "resource", modelName: "vpc", specName: "state" },
      ownerDefinition: { ownerType: "manual", ownerRef: "cli:vpc" },
    });
    expect(await repo.versions(VPC, "config")).toEqual([1, 2, 3]);
    expect(await repo.latest(VPC, "config")).toEqual(written[2] as never);
    expect(await repo.get(VPC, "config", 2)).toEqual(written[1] as never);
    expect(text(await repo.readContent(VPC, "config", 1))).toBe('{"a":1}');
    expect(repo.contentFile(VPC, "config", 3)).toBe(join(nameDir("config"), "3", "raw"));
    expect(readFileSync(join(nameDir("config"), "latest"), "utf8")).toBe("3");
    expect(Bun.YAML.parse(readFileSync(join(nameDir("config"), "3", "metadata.yaml"), "utf8"))).toEqual(
      written[2] as never,
    );
    expect(await repo.names(VPC)).toEqual(["config"]);
    expect(readdirSync(nameDir("config")).sort()).toEqual(["1", "2", "3", "latest"]);
  });

  test("missing names and versions read as empty", async () => {
    expect(await repo.latest(VPC, "nothing")).toBeNull();
    expect(await repo.get(VPC, "nothing", 1)).toBeNull();
    expect(await repo.versions(VPC, "nothing")).toEqual([]);
    expect(await repo.readContent(VPC, "nothing", 1)).toBeNull();
    expect(await repo.names(VPC)).toEqual([]);
    expect(await repo.deleteVersion(VPC, "nothing", 1)).toBe(0);
    expect(await repo.deleteName(VPC, "nothing")).toBe(0);
  });

  test("16 concurrent writers in one process get versions 1..16", async () => {
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) => repo.write(VPC, "shared", bytes(`writer-${i}`), manualVersion())),
    );
    expect(results.map((m) => m.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    expect(await repo.versions(VPC, "shared")).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    for (const meta of results) {
      const body = text(await repo.readContent(VPC, "shared", meta.version)) ?? "";
      expect(sha256(body)).toBe(meta.checksum as string);
      expect((await repo.get(VPC, "shared", meta.version))?.version).toBe(meta.version);
    }
    expect(readFileSync(join(nameDir("shared"), "latest"), "utf8")).toBe("16");
    expect(readdirSync(nameDir("shared")).filter((e) => e.startsWith("."))).toEqual([]);
  });

  test("the latest marker never goes backwards while 16 writers race (30 rounds)", async () => {
    for (let round = 0; round < 30; round++) {
      const name = `race-${round}`;
      const marker = join(nameDir(name), "latest");
      const seen: number[] = [];
      let writing = true;
      const writes = Promise.all(
        Array.from({ length: 16 }, (_, i) => repo.write(VPC, name, bytes(`w${i}`), manualVersion())),
      ).finally(() => {
        writing = false;
      });
      // Reads the marker between the writers' steps (no timers): every value it ever holds is seen in order.
      for (let reads = 0; writing && reads < 1_000_000; reads++) {
        const value = existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0;
        if (value !== seen.at(-1)) seen.push(value);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await writes;
      seen.push(Number(readFileSync(marker, "utf8")));
      const backwards = seen.filter((value, i) => i > 0 && value < (seen[i - 1] ?? 0));
      expect({ round, backwards, last: seen.at(-1) }).toEqual({ round, backwards: [], last: 16 });
    }
  }, 30_000);

  test("8 writer processes never share a version number", async () => {
    const child = join(import.meta.dir, "../../support/data-writer-child.ts");
    const processes = Array.from({ length: 8 }, (_, i) =>
      Bun.spawn([process.execPath, child, root, `p${i}`, "5"], { stderr: "pipe" }),
    );
    const codes = await Promise.all(processes.map((p) => p.exited));
    const errors = await Promise.all(processes.map((p) => new Response(p.stderr).text()));
    expect({ codes, errors }).toEqual({ codes: Array(8).fill(0), errors: Array(8).fill("") });
    const versions = await repo.versions(VPC, "shared");
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const bodies = new Set<string>();
    for (const v of versions) {
      const meta = await repo.get(VPC, "shared", v);
      const body = text(await repo.readContent(VPC, "shared", v)) ?? "";
      expect(meta?.checksum).toBe(sha256(body));
      bodies.add(body);
    }
    expect(bodies.size).toBe(40);
    expect(readFileSync(join(nameDir("shared"), "latest"), "utf8")).toBe("40");
  });

  test.each([
    ["a/b", "validation_failed"],
    ["..", "validation_failed"],
    ["a\\b", "validation_failed"],
    ["", "validation_failed"],
    ["LATEST", "validation_failed"],
    [".", "path_traversal"],
  ])("rejects the data name %p without touching the disk", async (name, code) => {
    await expect(repo.write(VPC, name, bytes("x"), manualVersion())).rejects.toMatchObject({ code });
    expect(readdirSync(root)).toEqual([]);
    expect(mutations).toEqual([]);
  });

  test.each([
    [{ type: "aws/../../etc", id: VPC.id }],
    [{ type: "aws//vpc", id: VPC.id }],
    [{ type: "aws/vpc", id: ".." }],
    [{ type: "aws/vpc", id: "a/b" }],
    [{ type: "", id: VPC.id }],
  ])("rejects the model %p as a path traversal", async (model) => {
    await expect(repo.write(model, "ok", bytes("x"), manualVersion())).rejects.toMatchObject({
      code: "path_traversal",
    });
    expect(() => repo.contentFile(model, "ok", 1)).toThrow("Path traversal detected");
    expect(readdirSync(root)).toEqual([]);
  });

  test("rejects versions that are not positive integers", async () => {
    await expect(repo.get(VPC, "x", 0)).rejects.toMatchObject({ code: "validation_failed" });
    expect(() => repo.contentFile(VPC, "x", 1.5)).toThrow("whole numbers");
  });

  test("crash leftovers are not versions and are never overwritten", async () => {
    await repo.write(VPC, "main", bytes("one"), manualVersion());
    await repo.write(VPC, "main", bytes("two"), manualVersion());
    const dir = nameDir("main");
    mkdirSync(join(dir, "3")); // an empty claimed dir
    mkdirSync(join(dir, "4")); // content without metadata
    writeFileSync(join(dir, "4", "raw"), "half-written");
    mkdirSync(join(dir, ".dead.tmp")); // an abandoned temp version
    writeFileSync(join(dir, ".dead.tmp", "metadata.yaml"), "name: main\nversion: 9\n");

    expect(await repo.versions(VPC, "main")).toEqual([1, 2]);
    expect((await repo.latest(VPC, "main"))?.version).toBe(2);
    expect(await repo.readContent(VPC, "main", 4)).toBeNull();
    expect(await repo.get(VPC, "main", 3)).toBeNull();

    const third = await repo.write(VPC, "main", bytes("three"), manualVersion());
    const fourth = await repo.write(VPC, "main", bytes("four"), manualVersion());
    expect([third.version, fourth.version]).toEqual([3, 5]);
    expect(readFileSync(join(dir, "4", "raw"), "utf8")).toBe("half-written");
    expect(await repo.versions(VPC, "main")).toEqual([1, 2, 3, 5]);
    const walked: number[] = [];
    for await (const v of repo.walk()) walked.push(v.metadata.version);
    expect(walked.sort()).toEqual([1, 2, 3, 5]);
  });

  test("the latest marker only moves forward; readers trust the version dirs", async () => {
    await repo.write(VPC, "main", bytes("one"), manualVersion());
    writeFileSync(join(nameDir("main"), "latest"), "7");
    await repo.write(VPC, "main", bytes("two"), manualVersion());
    expect(readFileSync(join(nameDir("main"), "latest"), "utf8")).toBe("7");
    expect((await repo.latest(VPC, "main"))?.version).toBe(2);
  });

  test("temps of interrupted commands older than an hour go at the next write of the name; fresh ones stay", async () => {
    await repo.write(VPC, "main", bytes("one"), manualVersion());
    const dir = nameDir("main");
    const staging = (age: number) => {
      const path = join(dir, `.${crypto.randomUUID()}.tmp`);
      mkdirSync(path);
      writeFileSync(join(path, "raw"), "half");
      const at = (clock.now() - age) / 1000;
      for (const p of [join(path, "raw"), path]) utimesSync(p, at, at);
      return path;
    };
    const old = staging(2 * HOUR);
    const oldFile = join(dir, `.${crypto.randomUUID()}.tmp`);
    writeFileSync(oldFile, "7");
    utimesSync(oldFile, (clock.now() - 2 * HOUR) / 1000, (clock.now() - 2 * HOUR) / 1000);
    const young = staging(HOUR / 2);
    // Old itself, but holding a file still being written: a live staging dir.
    const live = staging(2 * HOUR);
    utimesSync(join(live, "raw"), clock.now() / 1000, clock.now() / 1000);
    // Not a temp name: never touched, however old.
    mkdirSync(join(dir, "notes.tmp"));
    utimesSync(join(dir, "notes.tmp"), 0, 0);

    await repo.write(VPC, "main", bytes("two"), manualVersion());
    expect([old, oldFile, young, live, join(dir, "notes.tmp")].map(existsSync)).toEqual([
      false,
      false,
      true,
      true,
      true,
    ]);
    expect(await repo.versions(VPC, "main")).toEqual([1, 2]);
  });

  test("a deleted name's model dir loses its stale temps at the next deleteName", async () => {
    await repo.write(VPC, "a", bytes("1"), manualVersion());
    await repo.write(VPC, "b", bytes("1"), manualVersion());
    const modelDir = join(root, "data", "aws", "ec2", "vpc", VPC.id);
    const trash = join(modelDir, `.${crypto.randomUUID()}.tmp`);
    mkdirSync(join(trash, "1"), { recursive: true });
    const at = (clock.now() - 2 * HOUR) / 1000;
    for (const p of [join(trash, "1"), trash]) utimesSync(p, at, at);
    await repo.deleteName(VPC, "a");
    expect(readdirSync(modelDir)).toEqual(["b"]);
  });

  test("the id is stable across versions and distinct between names", async () => {
    const a1 = await repo.write(VPC, "a", bytes("1"), manualVersion());
    const a2 = await repo.write(VPC, "a", bytes("2"), manualVersion());
    const b1 = await repo.write(VPC, "b", bytes("1"), manualVersion());
    expect(a2.id).toBe(a1.id);
    expect(b1.id).not.toBe(a1.id);
  });

  test("stores tombstones and optional fields, leaving undefined ones out", async () => {
    const meta = await repo.write(
      VPC,
      "old",
      bytes('{"renamedTo":"new"}'),
      manualVersion({ lifecycle: "deleted", renamedTo: "new", streaming: true }),
    );
    const yaml = readFileSync(join(nameDir("old"), "1", "metadata.yaml"), "utf8");
    expect(Bun.YAML.parse(yaml)).toMatchObject({ lifecycle: "deleted", renamedTo: "new" });
    expect(yaml).not.toContain("undefined");
    expect(await repo.get(VPC, "old", 1)).toEqual(meta);
    const plain = await repo.write(VPC, "plain", bytes("x"), manualVersion());
    expect(Object.keys(plain)).not.toContain("lifecycle");
  });

  test("names with YAML-significant spellings round-trip", async () => {
    for (const name of ["123", "true", "null", "a: b", "#x", "é ü"]) {
      const meta = await repo.write(
        VPC,
        name,
        bytes("x"),
        manualVersion({ tags: { type: "resource", n: "0x1f" } }),
      );
      expect(await repo.get(VPC, name, 1)).toEqual(meta);
    }
  });

  test("deleteVersion removes one version and rewrites the marker", async () => {
    for (const body of ["1", "2", "3"]) await repo.write(VPC, "main", bytes(body), manualVersion());
    mutations = [];
    expect(await repo.deleteVersion(VPC, "main", 3)).toBe(1);
    expect(mutations[0]).toBe(`data/aws/ec2/vpc/${VPC.id}/main/3`);
    expect(mutations).toContain(`data/aws/ec2/vpc/${VPC.id}/main`);
    expect(await repo.versions(VPC, "main")).toEqual([1, 2]);
    expect(readFileSync(join(nameDir("main"), "latest"), "utf8")).toBe("2");
    expect(await repo.deleteVersion(VPC, "main", 3)).toBe(0);
    await repo.deleteVersion(VPC, "main", 1);
    await repo.deleteVersion(VPC, "main", 2);
    expect(existsSync(nameDir("main"))).toBe(false);
    expect(await repo.names(VPC)).toEqual([]);
  });

  test("deleteName removes every version and reports how many", async () => {
    for (const body of ["1", "2"]) await repo.write(VPC, "main", bytes(body), manualVersion());
    await repo.write(VPC, "other", bytes("x"), manualVersion());
    mutations = [];
    expect(await repo.deleteName(VPC, "main")).toBe(2);
    expect(mutations).toEqual([`data/aws/ec2/vpc/${VPC.id}/main`]);
    expect(existsSync(nameDir("main"))).toBe(false);
    expect(await repo.names(VPC)).toEqual(["other"]);
    const modelDir = join(root, "data", "aws", "ec2", "vpc", VPC.id);
    expect(readdirSync(modelDir)).toEqual(["other"]);
  });

  for (const bulkContentReads of [false, true]) {
    test(`content absent beside its metadata is fetched through fetchContent, then read; no version asks nothing (${bulkContentReads ? "bulk" : "single"} reads)`, async () => {
      await repo.write(VPC, "main", bytes('{"a":1}'), manualVersion());
      const raw = join(nameDir("main"), "1", "raw");
      const asked: string[] = [];
      const lazy = new FsDataRepository(root, {
        clock,
        host: systemHost(),
        bulkContentReads,
        fetchContent: async (rel) => {
          asked.push(rel);
          writeFileSync(raw, '{"a":1}');
        },
      });
      rmSync(raw);
      expect(text(await lazy.readContent(VPC, "main", 1))).toBe('{"a":1}');
      expect(asked).toEqual([`data/aws/ec2/vpc/${VPC.id}/main/1/raw`]);
      expect(text(await lazy.readContent(VPC, "main", 1))).toBe('{"a":1}');
      expect(await lazy.readContent(VPC, "main", 2)).toBeNull();
      expect(asked).toHaveLength(1);
      rmSync(raw);
      const plain = new FsDataRepository(root, { clock, host: systemHost(), bulkContentReads });
      expect(await plain.readContent(VPC, "main", 1)).toBeNull();
      writeFileSync(raw, "");
      expect(await plain.readContent(VPC, "main", 1)).toEqual(new Uint8Array());
      rmSync(join(nameDir("main"), "1", "metadata.yaml"));
      expect(await plain.readContent(VPC, "main", 1)).toBeNull();
    });
  }

  test("onMutate hears about a write before the version exists", async () => {
    const seen: number[][] = [];
    const hooked = new FsDataRepository(root, {
      clock,
      host: systemHost(),
      onMutate: (p) => {
        expect(p).toBe(`data/aws/ec2/vpc/${VPC.id}/main`);
        seen.push(
          existsSync(nameDir("main"))
            ? readdirSync(nameDir("main"))
                .filter((e) => /^\d+$/.test(e))
                .map(Number)
            : [],
        );
      },
    });
    await hooked.write(VPC, "main", bytes("1"), manualVersion());
    await hooked.write(VPC, "main", bytes("2"), manualVersion());
    expect(seen).toEqual([[], [1]]);
  });

  test("afterMutate hears about each changed name once the change is complete, and the call waits for it", async () => {
    const heard: string[] = [];
    const hooked = new FsDataRepository(root, {
      clock,
      host: systemHost(),
      afterMutate: async (name) => {
        await clock.advance(1);
        const versions = await hooked.versions(VPC, name.name);
        heard.push(`${name.type}|${name.id}|${name.name}: [${versions.join(",")}]`);
      },
    });
    const at = `aws/ec2/vpc|${VPC.id}|main`;
    await hooked.write(VPC, "main", bytes("1"), manualVersion());
    expect(heard).toEqual([`${at}: [1]`]);
    await hooked.write(VPC, "main", bytes("2"), manualVersion());
    await hooked.deleteVersion(VPC, "main", 1);
    await hooked.deleteName(VPC, "main");
    expect(heard).toEqual([`${at}: [1]`, `${at}: [1,2]`, `${at}: [2]`, `${at}: []`]);
    // Nothing deleted, nothing to hear.
    await hooked.deleteVersion(VPC, "main", 7);
    await hooked.deleteName(VPC, "never");
    expect(heard).toHaveLength(4);
  });

  test("walk finds every version and tells numeric data names from version dirs", async () => {
    const other = { type: "gcp", id: "m-2", name: "net" };
    await repo.write(VPC, "7", bytes("a"), manualVersion());
    await repo.write(VPC, "7", bytes("b"), manualVersion());
    await repo.write(VPC, "main", bytes("c"), manualVersion());
    await repo.write(other, "12", bytes("d"), manualVersion());
    mkdirSync(join(root, "data", ".hidden", "x", "y", "1"), { recursive: true });
    writeFileSync(join(root, "data", ".hidden", "x", "y", "1", "metadata.yaml"), "name: y\nversion: 1\n");
    const found: StoredVersion[] = [];
    for await (const v of repo.walk()) found.push(v);
    const summary = found
      .map((v) => `${v.model.type}|${v.model.id}|${v.metadata.name}|${v.metadata.version}`)
      .sort();
    expect(summary).toEqual([
      `aws/ec2/vpc|${VPC.id}|7|1`,
      `aws/ec2/vpc|${VPC.id}|7|2`,
      `aws/ec2/vpc|${VPC.id}|main|1`,
      "gcp|m-2|12|1",
    ]);
    expect(await repo.names(VPC)).toEqual(["7", "main"]);
  });

  test("metadata written as block YAML (the reference implementation, older builds) is read and walked", async () => {
    const written = await repo.write(VPC, "main", bytes("x"), manualVersion());
    const path = join(nameDir("main"), "1", "metadata.yaml");
    expect(readFileSync(path, "utf8")).toStartWith("{\n");
    writeFileSync(path, Bun.YAML.stringify(written, null, 2));
    expect(readFileSync(path, "utf8")).toStartWith("id: ");
    expect(await repo.get(VPC, "main", 1)).toEqual(written);
    const found: StoredVersion[] = [];
    for await (const v of repo.walk()) found.push(v);
    expect(found.map((v) => v.metadata)).toEqual([written]);
  });

  test("walk of an empty datastore yields nothing", async () => {
    const found: StoredVersion[] = [];
    for await (const v of repo.walk()) found.push(v);
    expect(found).toEqual([]);
  });

  test("unreadable metadata is reported with its path", async () => {
    await repo.write(VPC, "main", bytes("x"), manualVersion());
    writeFileSync(join(nameDir("main"), "1", "metadata.yaml"), "- just\n- a list\n");
    await expect(repo.get(VPC, "main", 1)).rejects.toThrow(join(nameDir("main"), "1", "metadata.yaml"));
    const walkAll = async () => {
      for await (const _ of repo.walk()) {
        // drained for its error
      }
    };
    await expect(walkAll()).rejects.toThrow(join(nameDir("main"), "1", "metadata.yaml"));
  });
});
