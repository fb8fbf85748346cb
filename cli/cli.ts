import { CommanderError } from "commander";
import { ExitCode } from "../core/errors.ts";
import { buildProgram } from "./program.ts";

declare const SWAMP_VERSION: string | undefined;
const version = typeof SWAMP_VERSION === "string" ? SWAMP_VERSION : "0.0.0-dev";
const json = process.argv.includes("--json");

if (process.argv[2] === "--version" || process.argv[2] === "-V") {
  process.stdout.write(`${version}\n`);
  process.exit(ExitCode.ok);
}

const program = buildProgram();
program.exitOverride();
program.configureOutput({
  outputError: (message, write) => {
    const text = message.replace(/^error: /, "").trim();
    if (json) write(`${JSON.stringify({ error: text, code: "usage" }, null, 2)}\n`);
    else write(`Error: ${text}\nRun 'swamp --help' (or 'swamp <command> --help') to see the usage.\n`);
  },
});
for (const sub of program.commands) applyExitOverride(sub);

function applyExitOverride(cmd: typeof program): void {
  cmd.exitOverride();
  cmd.configureOutput(program.configureOutput());
  for (const child of cmd.commands) applyExitOverride(child);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
    process.exitCode = quiet
      ? ExitCode.ok
      : err.code === "commander.executeSubCommandAsync"
        ? ExitCode.error
        : ExitCode.usage;
  } else {
    throw err;
  }
}
