// The entry point. `swamp --version` answers before anything else loads; everything else
// (commander, the command tree) is imported only when a command runs.
import { buildInfo } from "./build-info.ts";

const first = process.argv[2];
if (first === "--version" || first === "-V") {
  process.stdout.write(`${buildInfo().version}\n`);
} else {
  await import("./cli.ts");
}
