// swamp's side of the remote benchmark: the compiled binary against the bucket, each run counted
// at the proxy. Push is `ds setup s3` migrating a seeded `.swamp/data`; pull is a fresh clone's
// `ds sync --pull`; zero-diff is a second `ds sync` (and `--pull`) on the writer.
import { copyFileSync, cpSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CountingProxy } from "../uat/support/counting-proxy.ts";
import type { Command } from "./measure.ts";
import { counted, expectCount, hermeticEnv } from "./remote-measure.ts";
import type { Measured, Operation } from "./remote-report.ts";

/** Moto takes any credentials. */
export const AWS_ENV = { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" };

/** A repo checkout with its own HOME and SWAMP_HOME (so its own cache). */
export interface BenchRepo {
  dir: string;
  env: Record<string, string>;
}

export function makeBenchRepo(root: string): BenchRepo {
  const home = join(root, "home");
  const swampHome = join(home, ".swamp-home");
  const dir = join(root, "repo");
  mkdirSync(swampHome, { recursive: true });
  mkdirSync(dir, { recursive: true });
  return { dir, env: { ...hermeticEnv, ...AWS_ENV, HOME: home, SWAMP_HOME: swampHome } };
}

/** The same repo on another machine: `.swamp.yaml` (and `models/`) only, no cache. */
export function cloneBenchRepo(source: BenchRepo, root: string): BenchRepo {
  const clone = makeBenchRepo(root);
  copyFileSync(join(source.dir, ".swamp.yaml"), join(clone.dir, ".swamp.yaml"));
  if (existsSync(join(source.dir, "models"))) {
    cpSync(join(source.dir, "models"), join(clone.dir, "models"), { recursive: true });
  }
  return clone;
}

export interface SwampTarget {
  binary: string;
  proxy: CountingProxy;
  bucket: string;
  prefix: string;
}

/** `writer` holds the seeded `.swamp/data`; `cloneRoot` is an empty dir for the clone. */
export async function benchSwamp(
  target: SwampTarget,
  writer: BenchRepo,
  cloneRoot: string,
  files: number,
): Promise<Record<Operation, Measured>> {
  const swamp = (repo: BenchRepo, args: string[]): Command => ({
    argv: [target.binary, ...args, "--json"],
    cwd: repo.dir,
    env: repo.env,
  });
  const setup = [
    ...["datastore", "setup", "s3", "--bucket", target.bucket, "--prefix", target.prefix],
    ...["--region", "us-east-1", "--endpoint", target.proxy.url, "--force-path-style"],
  ];
  const push = await counted(target.proxy, swamp(writer, setup));
  expectCount("ds setup s3", JSON.parse(push.stdout).filesPushed, files);

  const zeroDiff = await counted(target.proxy, swamp(writer, ["datastore", "sync"]));
  const zeroDiffPull = await counted(target.proxy, swamp(writer, ["datastore", "sync", "--pull"]));

  const clone = cloneBenchRepo(writer, cloneRoot);
  const pull = await counted(target.proxy, swamp(clone, ["datastore", "sync", "--pull"]));
  expectCount("the clone's ds sync --pull", JSON.parse(pull.stdout).filesPulled, files);
  return {
    push: push.measured,
    zeroDiff: zeroDiff.measured,
    zeroDiffPull: zeroDiffPull.measured,
    pull: pull.measured,
  };
}
