import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import { fencedBlocks, readme, section } from "./support/readme.ts";
import { type RemoteServer, startRemote } from "./support/remote.ts";
import { expectExit, makeSandbox, requireBinary, run, SWAMP_BIN, tempDir } from "./support/swamp.ts";

installCleanup();

/**
 * The README's quick start and every example shell block, run as written with `swamp` meaning
 * dist/swamp, each block in a new directory with a private HOME, under `set -euo pipefail` so
 * any failing command fails the block. The S3 example's server is moto, its address in
 * `S3_ENDPOINT` as the README says.
 */

/**
 * The quick start sets up and tests the project itself: `.ci/run` runs its lines as written on a
 * clean clone (the install and demo, then every test, this one included), so here they are only
 * checked to be the lines `.ci/run` runs.
 */
const CI_SCRIPT = join(import.meta.dir, "..", ".ci", "run");

/** "## Development" holds the developer's commands (test suites, benchmarks, builds), not examples. */
const DEVELOPER_SECTION = "Development";

const text = readme();
const quickStart = fencedBlocks(section(text, "Quick start"), "sh");
const developer = new Set(fencedBlocks(section(text, DEVELOPER_SECTION), "sh"));
const examples = fencedBlocks(text, "sh").filter(
  (block) => !quickStart.includes(block) && !developer.has(block),
);

let s3: RemoteServer;

beforeAll(async () => {
  requireBinary();
  s3 = await startRemote("s3");
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  afterThisFile(() => client.destroy());
  await client.send(new CreateBucketCommand({ Bucket: "swamp-data" }));
});

/** Runs `script` with bash in a new directory (a repo first, unless the script makes one). */
async function runBlock(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = tempDir("readme-example");
  const sandbox = makeSandbox();
  const env = { ...s3.env, ...sandbox.env, S3_ENDPOINT: s3.endpoint, NO_COLOR: "1" };
  if (!/^swamp repo init$/m.test(script))
    expectExit(await run(["repo", "init", "--repo-dir", dir], { env }), 0);
  const file = join(dir, "example.sh");
  writeFileSync(file, `set -euo pipefail\n${script}`);
  const childEnv: Record<string, string> = { PATH: `${dirname(SWAMP_BIN)}:${process.env.PATH}` };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;
  const proc = Bun.spawn(["bash", file], {
    cwd: dir,
    env: childEnv,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 90_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe("the README's commands run as written", () => {
  test("the quick start: CI runs each of its lines as written", () => {
    const commands = quickStart
      .flatMap((block) => block.split("\n"))
      .map((line) => line.replace(/\s+#.*$/, "").trim())
      .filter((line) => line !== "");
    expect(commands).toEqual(["npm install && npm run demo", "npm test"]);
    const ci = readFileSync(CI_SCRIPT, "utf8")
      .split("\n")
      .map((line) => line.replace(/^exec /, "").trim());
    for (const command of commands) {
      expect(ci.some((line) => line === command || line.startsWith(`${command} || `))).toBe(true);
    }
  });

  test("there are example blocks (the README's Examples and the S3 one)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.some((block) => block.includes("$S3_ENDPOINT"))).toBe(true);
  });

  test.each(examples.map((block) => [block.split("\n")[0] as string, block]))(
    "the block starting `%s` runs without an error and prints something",
    async (_first, block) => {
      const r = await runBlock(block);
      if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
      expect(r.stdout.trim()).not.toBe("");
    },
    120_000,
  );
});
