import { beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
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

/** Quick-start lines this test does not run, each for the reason given. */
const NOT_RUN = new Map([
  [
    "npm install && npm run demo # install everything, build dist/swamp, run the main job in a temp repo",
    "installs the dependencies and builds dist/swamp: too slow here, and this test runs the dist/swamp it built",
  ],
  [
    "npm test                    # every test: typecheck, lint, architecture (layers, no cycles), build, unit + conformance, UAT on dist/swamp",
    "runs every test, this one included: it cannot run inside itself",
  ],
]);

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
  test("the quick start: every line runs here or is named above with its reason", () => {
    const lines = quickStart.flatMap((block) => block.split("\n")).filter((line) => line.trim() !== "");
    expect(lines.length).toBeGreaterThan(0);
    // Both quick-start lines set up or test the project itself; see NOT_RUN. A new line must be
    // given a reason there, or this test made to run it.
    expect(lines.filter((line) => !NOT_RUN.has(line))).toEqual([]);
    expect([...NOT_RUN.keys()].filter((line) => !lines.includes(line))).toEqual([]);
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
