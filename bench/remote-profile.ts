// `bun bench/remote-profile.ts [--binary PATH]... [--prof DIR]`: where swamp's push and pull of the
// remote benchmark's 2,000 files spend their CPU. Each binary (default dist/swamp) pushes and a
// fresh clone pulls on one moto server, timed side by side; with --prof the source runs once more
// under `bun --cpu-prof-md`, profiles written to DIR. Never fails because of time.
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";
import { counted } from "./remote-measure.ts";
import { seedDataFiles } from "./remote-seed.ts";
import { cloneBenchRepo, makeBenchRepo } from "./remote-swamp.ts";

const BUCKET = "swamp-profile";
const args = process.argv.slice(2);
const valuesOf = (flag: string) =>
  args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1] as string] : []));
const binaries = valuesOf("--binary");
if (binaries.length === 0) binaries.push(join(import.meta.dir, "..", "dist", "swamp"));
const profDir = valuesOf("--prof")[0];
const rounds = Number(valuesOf("--rounds")[0] ?? 1);
const straceDir = valuesOf("--strace")[0];
const source = [process.execPath, join(import.meta.dir, "..", "cli", "main.ts")];

const world = await startMotoWorld("profile", BUCKET);
try {
  const template = makeBenchRepo(join(world.work, "template"));
  await runChild({
    argv: [binaries[0] as string, "repo", "init", "--json"],
    cwd: template.dir,
    env: template.env,
  });
  await seedDataFiles(join(template.dir, ".swamp"));
  let n = 0;
  const once = async (label: string, argvOf: (step: string) => string[]) => {
    const root = join(world.work, `run-${n++}`);
    const writer = makeBenchRepo(join(root, "writer"));
    cpSync(template.dir, writer.dir, { recursive: true });
    const setup = [
      ...["datastore", "setup", "s3", "--bucket", BUCKET, "--prefix", `p-${n}`],
      ...["--region", "us-east-1", "--endpoint", world.proxy.url, "--force-path-style", "--json"],
    ];
    const push = await counted(world.proxy, {
      argv: [...argvOf("push"), ...setup],
      cwd: writer.dir,
      env: writer.env,
    });
    const clone = cloneBenchRepo(writer, join(root, "clone"));
    const pull = await counted(world.proxy, {
      argv: [...argvOf("pull"), "datastore", "sync", "--pull", "--json"],
      cwd: clone.dir,
      env: clone.env,
    });
    const fmt = (m: { wallMs: number; cpuMs: number; requests: number }) =>
      `wall ${m.wallMs.toFixed(0)} ms, CPU ${m.cpuMs.toFixed(0)} ms, ${m.requests} requests`;
    console.log(`${label}\n  push: ${fmt(push.measured)}\n  pull: ${fmt(pull.measured)}`);
  };
  for (let r = 0; r < rounds; r++) for (const binary of binaries) await once(binary, () => [binary]);
  if (profDir) {
    mkdirSync(profDir, { recursive: true });
    await once(`source under --cpu-prof-md (${profDir})`, () => [
      process.execPath,
      "--cpu-prof-md",
      `--cpu-prof-dir=${profDir}`,
      ...source.slice(1),
    ]);
  }
  const stepsDir = valuesOf("--steps")[0];
  if (stepsDir) {
    mkdirSync(stepsDir, { recursive: true });
    const binary = binaries[0] as string;
    // -v tells each step with its figures, on stderr (not with --json).
    const script = `for a; do shift; [ "$a" = --json ] || set -- "$@" "$a"; done; "$0" "$@" -v 2>`;
    await once(`${binary} -v (${stepsDir})`, (step) => ["sh", "-c", script + join(stepsDir, step), binary]);
  }
  if (straceDir) {
    mkdirSync(straceDir, { recursive: true });
    const binary = binaries[0] as string;
    await once(`${binary} under strace -c (${straceDir})`, (step) => [
      ...["strace", "-f", "-c", "-o", join(straceDir, step), binary],
    ]);
  }
} finally {
  await world.close();
}
