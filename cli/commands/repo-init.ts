import { resolve } from "node:path";
import { initRepo } from "../../adapters/fs/repo-config-file.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import { defineCommand, type OptsOf } from "../command-spec.ts";
import type { Invocation } from "../run.ts";

const options = {};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "make the directory a swamp repository (.swamp.yaml with a repoId, .swamp/, models/)",
  examples: ["swamp repo init", "swamp repo init --repo-dir ./infra --json"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const dir = resolve(process.cwd(), inv.globals.repoDir || process.env.SWAMP_REPO_DIR || ".");
  const result = await initRepo(dir, { host: systemHost() });
  const doc = { repoDir: result.repoDir, repoId: result.repoId, created: !result.alreadyInitialized };
  inv.out.result(doc, () =>
    result.alreadyInitialized
      ? `Already a swamp repository: ${result.repoDir} (repoId ${result.repoId})`
      : `Initialized swamp repository in ${result.repoDir} (repoId ${result.repoId})\nNext: swamp data put <model> <name> --model-type <type> --value '…'`,
  );
}
