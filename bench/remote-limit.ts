// The raw SDK limit's side of the remote benchmark: bench/remote-raw.ts compiled as swamp is
// (bytecode, minified), run as a child so that its CPU is its own, counted at the same proxy as
// swamp and rclone.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CountingProxy } from "../uat/support/counting-proxy.ts";
import { counted, expectCount, hermeticEnv } from "./remote-measure.ts";
import type { Measured } from "./remote-report.ts";
import { countFiles } from "./remote-seed.ts";
// Moto takes any credentials; they reach the store through the SDK's chain, as swamp's do.
import { AWS_ENV } from "./remote-swamp.ts";

const SCRIPT = join(import.meta.dir, "remote-raw.ts");

/** Compiles the limit's client into `dir`; returns the binary. */
export function compileRawLimit(dir: string): string {
  const outfile = join(dir, "sdk-limit");
  const argv = [process.execPath, "build", SCRIPT, "--compile", "--minify", "--bytecode", "--format=esm"];
  const built = Bun.spawnSync([...argv, `--outfile=${outfile}`], { stdout: "ignore", stderr: "pipe" });
  if (built.exitCode !== 0) throw new Error(`compiling ${SCRIPT} failed:\n${built.stderr.toString()}`);
  return outfile;
}

/** Push `source` (a dir holding `data/`) to `prefix`, then pull it into `work/pulled`. */
export async function benchRawLimit(
  binary: string,
  proxy: CountingProxy,
  bucket: string,
  prefix: string,
  source: string,
  work: string,
  files: number,
): Promise<{ push: Measured; pull: Measured }> {
  const pulled = join(work, "pulled");
  mkdirSync(pulled, { recursive: true });
  const run = (mode: "push" | "pull", dir: string) =>
    counted(proxy, {
      argv: [binary, mode, proxy.url, bucket, prefix, dir],
      cwd: work,
      env: { ...hermeticEnv, ...AWS_ENV },
    });
  const push = await run("push", source);
  expectCount("the SDK limit's push", JSON.parse(push.stdout).files, files);
  const pull = await run("pull", pulled);
  expectCount("the SDK limit's pull", countFiles(pulled).files, files);
  return { push: push.measured, pull: pull.measured };
}
