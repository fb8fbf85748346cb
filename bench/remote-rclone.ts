// The peer: Debian's rclone syncing the same files to another prefix of the same bucket, through
// the same counting proxy. Configured through RCLONE_CONFIG_* variables: no config file is read.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CountingProxy } from "../uat/support/counting-proxy.ts";
import type { Command } from "./measure.ts";
import { counted, expectCount, hermeticEnv } from "./remote-measure.ts";
import type { Measured, Operation } from "./remote-report.ts";
import { countFiles } from "./remote-seed.ts";

/** The peer settings. */
export const RCLONE_FLAGS = ["--transfers", "32", "--checkers", "32"];
const REMOTE = "swampbench";

export const INSTALL_HINT = "rclone is not installed: run `apt-get install -y rclone` for the comparison.";

export function rcloneVersion(): string | null {
  if (Bun.which("rclone") === null) return null;
  const out = Bun.spawnSync(["rclone", "version"], { env: rcloneEnv("http://127.0.0.1:1", "/nonexistent") });
  return out.exitCode === 0 ? (out.stdout.toString().split("\n")[0] ?? "").replace(/^rclone /, "") : null;
}

/** rclone refuses to start with AWS_CA_BUNDLE set (hermeticEnv drops every AWS_* variable). */
function rcloneEnv(endpoint: string, home: string): Record<string, string> {
  const prefix = `RCLONE_CONFIG_${REMOTE.toUpperCase()}_`;
  return {
    ...hermeticEnv,
    HOME: home,
    RCLONE_CONFIG: join(home, "rclone.conf"),
    [`${prefix}TYPE`]: "s3",
    [`${prefix}PROVIDER`]: "Other",
    [`${prefix}ENDPOINT`]: endpoint,
    [`${prefix}FORCE_PATH_STYLE`]: "true",
    [`${prefix}ACCESS_KEY_ID`]: "test",
    [`${prefix}SECRET_ACCESS_KEY`]: "test",
    [`${prefix}REGION`]: "us-east-1",
  };
}

/**
 * Push `source` (a dir holding the files), sync it again unchanged, pull into `work/pulled`, then
 * pull again unchanged.
 */
export async function benchRclone(
  proxy: CountingProxy,
  bucket: string,
  prefix: string,
  source: string,
  work: string,
  files: number,
): Promise<Record<Operation, Measured>> {
  const home = join(work, "home");
  const pulled = join(work, "pulled");
  mkdirSync(home, { recursive: true });
  mkdirSync(pulled, { recursive: true });
  const env = rcloneEnv(proxy.url, home);
  const remote = `${REMOTE}:${bucket}/${prefix}`;
  const sync = (from: string, to: string): Command => ({
    argv: ["rclone", "sync", from, to, ...RCLONE_FLAGS],
    cwd: work,
    env,
  });
  const push = await counted(proxy, sync(source, remote));
  const zeroDiff = await counted(proxy, sync(source, remote));
  const pull = await counted(proxy, sync(remote, pulled));
  expectCount("rclone sync (pull)", countFiles(pulled).files, files);
  const zeroDiffPull = await counted(proxy, sync(remote, pulled));
  return {
    push: push.measured,
    zeroDiff: zeroDiff.measured,
    pull: pull.measured,
    zeroDiffPull: zeroDiffPull.measured,
  };
}
