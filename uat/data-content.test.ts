import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterThisTest, installCleanup } from "./support/cleanup.ts";
import { startRemote } from "./support/remote.ts";
import { makeRemoteRepo } from "./support/remote-repo.ts";
import type { GetDoc, PutDoc } from "./support/shapes.ts";
import {
  cloneRepo,
  DEFAULT_TIMEOUT_MS,
  expectExit,
  makeRepo,
  type Repo,
  requireBinary,
  SWAMP_BIN,
} from "./support/swamp.ts";
import { sha256Hex } from "./support/tree.ts";

installCleanup();

/** Random bytes with a NUL, bytes that are never valid UTF-8, and a lone newline at the end. */
function binaryBytes(): Uint8Array {
  const bytes = new Uint8Array(70_000);
  crypto.getRandomValues(bytes);
  bytes.set([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x00], 100);
  bytes[bytes.length - 1] = 0x0a;
  return bytes;
}

/** stdout of `swamp args…` as bytes (the run helper reads text, which would lose invalid UTF-8). */
async function stdoutBytes(
  repo: Repo,
  args: string[],
): Promise<{ code: number; bytes: Uint8Array; stderr: string }> {
  requireBinary();
  const proc = Bun.spawn([SWAMP_BIN, ...args], {
    cwd: repo.dir,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...repo.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  afterThisTest(() => {
    if (proc.exitCode === null) proc.kill("SIGKILL");
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), DEFAULT_TIMEOUT_MS);
  const [bytes, stderr, code] = await Promise.all([
    new Response(proc.stdout).arrayBuffer(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, bytes: new Uint8Array(bytes), stderr };
}

describe("content in and out", () => {
  let repo: Repo;
  const blob = binaryBytes();
  let blobFile: string;

  beforeAll(async () => {
    repo = await makeRepo();
    blobFile = join(repo.dir, "blob.bin");
    writeFileSync(blobFile, blob);
    const put = await repo.run([
      "data",
      "put",
      "files",
      "blob",
      "--model-type",
      "uat",
      "--file",
      blobFile,
      "--json",
    ]);
    expect(expectExit(put, 0).json<PutDoc>()).toMatchObject({
      contentType: "application/octet-stream",
      size: blob.length,
      checksum: sha256Hex(blob),
    });
  });

  test("--raw writes exactly the content's bytes to stdout, and nothing else", async () => {
    const raw = await stdoutBytes(repo, ["data", "get", "files", "blob", "--raw"]);
    expect(raw.code).toBe(0);
    expect(raw.bytes.length).toBe(blob.length);
    expect(sha256Hex(raw.bytes)).toBe(sha256Hex(blob));
    expect(Buffer.compare(Buffer.from(raw.bytes), Buffer.from(blob))).toBe(0);
    expect(raw.stderr).toBe("");
    // JSON content comes out as the stored text, not re-indented or decorated.
    expectExit(await repo.run(["data", "put", "files", "doc", "--value", '{"a":1}']), 0);
    const doc = await stdoutBytes(repo, ["data", "get", "files", "doc", "--raw"]);
    expect(new TextDecoder().decode(doc.bytes)).toBe('{"a":1}');
  });

  test("--output writes the bytes to a file and prints one line (or JSON)", async () => {
    const file = join(repo.dir, "out", "copy.bin");
    const missingDir = await repo.run(["data", "get", "files", "blob", "--output", file]);
    expect(missingDir.code).toBe(1);
    expect(existsSync(file)).toBe(false);

    const target = join(repo.dir, "copy.bin");
    writeFileSync(target, "old content");
    const human = expectExit(await repo.run(["data", "get", "files", "blob", "--output", target]), 0);
    expect(human.stdout.trim().split("\n")).toEqual([
      `Wrote blob v1 of files (${blob.length} bytes) to ${target}`,
    ]);
    expect(sha256Hex(readFileSync(target))).toBe(sha256Hex(blob));
    expect(readdirSync(repo.dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const json = expectExit(
      await repo.run(["data", "get", "files", "blob", "--output", "again.bin", "--json"]),
      0,
    ).json<GetDoc>();
    expect(json).toMatchObject({
      outputPath: join(repo.dir, "again.bin"),
      bytesWritten: blob.length,
      version: 1,
    });
    expect(json.content).toBeUndefined();
    expect(sha256Hex(readFileSync(join(repo.dir, "again.bin")))).toBe(sha256Hex(blob));
  });

  test("--file - reads standard input, binary and JSON alike", async () => {
    const put = await repo.run(["data", "put", "files", "piped", "--file", "-", "--json"], { stdin: blob });
    expect(expectExit(put, 0).json<PutDoc>()).toMatchObject({ size: blob.length, checksum: sha256Hex(blob) });
    const raw = await stdoutBytes(repo, ["data", "get", "files", "piped", "--raw"]);
    expect(sha256Hex(raw.bytes)).toBe(sha256Hex(blob));

    const json = await repo.run(["data", "put", "files", "piped-json", "--file", "-", "--json"], {
      stdin: '{"from":"stdin"}',
    });
    expect(expectExit(json, 0).json<PutDoc>().contentType).toBe("application/json");
    const got = expectExit(
      await repo.run(["data", "get", "files", "piped-json", "--json"]),
      0,
    ).json<GetDoc>();
    expect(got.content).toEqual({ from: "stdin" });
    expect(got.contentEncoding).toBeUndefined();
  });

  test("JSON shows binary content as base64; a person sees what it is and how to get it", async () => {
    const got = expectExit(await repo.run(["data", "get", "files", "blob", "--json"]), 0).json<GetDoc>();
    expect(got.contentEncoding).toBe("base64");
    expect(sha256Hex(Buffer.from(got.content as string, "base64"))).toBe(sha256Hex(blob));

    const human = expectExit(await repo.run(["data", "get", "files", "blob"]), 0);
    const last = human.stdout.trimEnd().split("\n").at(-1);
    expect(last).toBe(
      `binary content, ${blob.length} bytes; use --raw or --output FILE (e.g. swamp data get files blob --output FILE)`,
    );
  });

  test("--raw with --json or --output is a usage error", async () => {
    for (const extra of [["--json"], ["--output", "x.bin"], ["--no-content"]]) {
      const r = await repo.run(["data", "get", "files", "blob", "--raw", ...extra]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("cannot be combined");
    }
  });
});

describe("models are never ambiguous by accident", () => {
  let repo: Repo;
  beforeAll(async () => {
    repo = await makeRepo();
    expectExit(
      await repo.run(["data", "put", "vpc", "x", "--model-type", "aws::ec2::vpc", "--value", "1"]),
      0,
    );
  });

  test("a --model-type other than the existing model's is refused and says how to make a separate one", async () => {
    const modelsBefore = readdirSync(join(repo.dir, "models"), { recursive: true }).sort();
    const r = await repo.run([
      "data",
      "put",
      "vpc",
      "x",
      "--model-type",
      "aws::ec2::subnet",
      "--value",
      "2",
      "--json",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const err = r.errorJson();
    expect(err.code).toBe("validation_failed");
    expect(err.error).toContain('Model "vpc" already exists with type aws/ec2/vpc');
    expect(err.error).toContain("give it another name");
    expect(err.error).toContain("swamp data put vpc-subnet <name> --model-type aws/ec2/subnet");
    expect(readdirSync(join(repo.dir, "models"), { recursive: true }).sort()).toEqual(modelsBefore);
    const versions = expectExit(await repo.run(["data", "versions", "vpc", "x", "--json"]), 0);
    expect(versions.json<{ total: number }>().total).toBe(1);
  });

  test("--model-type chooses between two models that share a name, on every command", async () => {
    // A repo that already has two models named "vpc" (made before the refusal existed).
    const other = join(repo.dir, "models", "gcp", "net");
    mkdirSync(other, { recursive: true });
    writeFileSync(
      join(other, "vpc.yaml"),
      "id: gcp-vpc-id\nname: vpc\ntype: gcp/net\nversion: 1\ntags: {}\n",
    );

    const ambiguous = await repo.run(["data", "get", "vpc", "x", "--json"]);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.errorJson().error).toContain("aws/ec2/vpc, gcp/net");
    expect(ambiguous.errorJson().error).toContain("--model-type");

    const typed = (args: string[], type: string) => repo.run([...args, "--model-type", type, "--json"]);
    expectExit(await typed(["data", "put", "vpc", "y", "--value", '"gcp"'], "gcp::net"), 0);
    const got = expectExit(await typed(["data", "get", "vpc", "y"], "gcp/net"), 0).json<GetDoc>();
    expect(got).toMatchObject({ modelType: "gcp/net", modelId: "gcp-vpc-id", content: "gcp" });
    const aws = expectExit(await typed(["data", "get", "vpc", "x"], "aws::ec2::vpc"), 0).json<GetDoc>();
    expect(aws.modelType).toBe("aws/ec2/vpc");
    const list = expectExit(await typed(["data", "list", "vpc"], "gcp/net"), 0).json<{
      modelType: string;
      total: number;
    }>();
    expect(list).toMatchObject({ modelType: "gcp/net", total: 1 });
    const versions = expectExit(await typed(["data", "versions", "vpc", "y"], "gcp/net"), 0);
    expect(versions.json<{ total: number }>().total).toBe(1);
    expectExit(await typed(["data", "rename", "vpc", "y", "z"], "gcp/net"), 0);
    const dry = expectExit(await typed(["data", "delete", "vpc", "z", "--dry-run"], "gcp/net"), 0);
    expect(dry.json<{ modelType: string; wouldDelete: number }>()).toMatchObject({
      modelType: "gcp/net",
      wouldDelete: 1,
    });

    const unknown = await typed(["data", "get", "vpc", "x"], "azure/vnet");
    expect(unknown.code).toBe(1);
    expect(unknown.errorJson().error).toContain("aws/ec2/vpc, gcp/net");
  });
});

describe("dry runs say what they would delete", () => {
  test("data delete --dry-run and data gc --dry-run say wouldDelete; the real runs keep their fields", async () => {
    const repo = await makeRepo();
    for (const n of [1, 2, 3])
      expectExit(
        await repo.run(["data", "put", "m", "tmp-a", "--model-type", "t", "--value", String(n), "--gc", "1"]),
        0,
      );
    expectExit(await repo.run(["data", "put", "m", "tmp-b", "--value", "1"]), 0);

    const batch = expectExit(
      await repo.run(["data", "delete", "m", "--prefix", "tmp-", "--dry-run", "--json"]),
      0,
    );
    const planned = batch.json<Record<string, unknown>>();
    expect(planned).toMatchObject({
      wouldDelete: 2,
      wouldDeleteVersions: 4,
      dryRun: true,
      names: ["tmp-a", "tmp-b"],
    });
    expect(planned.totalDeleted).toBeUndefined();
    const one = expectExit(await repo.run(["data", "delete", "m", "tmp-b", "--dry-run", "--json"]), 0);
    expect(one.json<Record<string, unknown>>()).toMatchObject({
      name: "tmp-b",
      dataName: "tmp-b",
      wouldDelete: 1,
      dryRun: true,
    });
    expect(one.json<Record<string, unknown>>().versionsDeleted).toBeUndefined();

    const gcDry = expectExit(await repo.run(["data", "gc", "--dry-run", "--json"]), 0).json<
      Record<string, unknown>
    >();
    expect(gcDry).toMatchObject({ wouldDelete: 2, dryRun: true });
    expect(gcDry.wouldReclaimBytes).toBeGreaterThan(0);
    expect(gcDry.versionsDeleted).toBeUndefined();
    const gc = expectExit(await repo.run(["data", "gc", "--yes", "--json"]), 0).json<
      Record<string, unknown>
    >();
    expect(gc).toMatchObject({ versionsDeleted: 2, dryRun: false });
    expect(gc.wouldDelete).toBeUndefined();

    const real = expectExit(
      await repo.run(["data", "delete", "m", "--prefix", "tmp-", "--yes", "--json"]),
      0,
    );
    expect(real.json<Record<string, unknown>>()).toMatchObject({
      totalDeleted: 2,
      totalVersionsDeleted: 2,
      dryRun: false,
    });
  });
});

describe("content out of a bucket", () => {
  test("a lazy clone's --raw fetches the content and writes only its bytes", async () => {
    const server = await startRemote("s3");
    const blob = binaryBytes();
    const writer = await makeRemoteRepo(server);
    const put = await writer.repo.run(
      ["data", "put", "files", "blob", "--model-type", "uat", "--file", "-", "--json"],
      {
        stdin: blob,
      },
    );
    expect(expectExit(put, 0).json<PutDoc>().checksum).toBe(sha256Hex(blob));

    const lazy = cloneRepo(writer.repo);
    const setupArgs = server.setupArgs(writer.bucket.name, { prefix: writer.prefix });
    expectExit(await lazy.run([...setupArgs, "--hydration-strategy", "lazy", "--json"]), 0);
    const raw = await stdoutBytes(lazy, ["data", "get", "files", "blob", "--raw"]);
    expect(raw.code).toBe(0);
    expect(raw.bytes.length).toBe(blob.length);
    expect(sha256Hex(raw.bytes)).toBe(sha256Hex(blob));
  });
});
