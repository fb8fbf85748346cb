import { buildInfo } from "../build-info.ts";
import { defineCommand, type OptsOf } from "../command-spec.ts";
import type { Invocation } from "../run.ts";

const options = {};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "print the version, the commit it was built from, the build date and the platform",
  examples: ["swamp version", "swamp version --json", "swamp --version   # the version alone"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const info = buildInfo();
  inv.out.result(
    info,
    () => `swamp ${info.version} (commit ${info.commit}, built ${info.builtAt}, ${info.platform})`,
  );
}
