// The entry point. `swamp --version` answers before anything else loads; a command line its
// command's declaration reads whole runs without commander (cli/direct-run.ts); anything else
// (help, completion, usage errors) goes through the commander program in cli/cli.ts.
import { buildInfo } from "./build-info.ts";
import { write } from "./flush.ts";

const first = process.argv[2];
if (first === "--version" || first === "-V") {
  write("stdout", `${buildInfo().version}\n`);
} else {
  const { runDirect } = await import("./direct-run.ts");
  if (!(await runDirect(process.argv.slice(2)))) await import("./cli.ts");
}
