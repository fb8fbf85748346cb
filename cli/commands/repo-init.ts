import { resolve } from "node:path";
import { initRepo } from "../../adapters/fs/repo-config-file.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import type { Invocation } from "../run.ts";

export async function run(inv: Invocation<Record<string, never>>): Promise<void> {
  const dir = resolve(process.cwd(), inv.globals.repoDir || process.env.SWAMP_REPO_DIR || ".");
  const result = await initRepo(dir, { host: systemHost() });
  const doc = { repoDir: result.repoDir, repoId: result.repoId, created: !result.alreadyInitialized };
  inv.out.result(doc, () =>
    result.alreadyInitialized
      ? `Already a swamp repository: ${result.repoDir} (repoId ${result.repoId})`
      : `Initialized swamp repository in ${result.repoDir} (repoId ${result.repoId})\nNext: swamp data put <model> <name> --model-type <type> --value '…'`,
  );
}
