/** The commander program: parses argv, runs the command, maps usage errors to exit code 2. */
import { CommanderError } from "commander";
import { ExitCode } from "../core/errors.ts";
import { exitFlushed, write } from "./flush.ts";
import { buildProgram, completionsFor, helpAsFlag, unknownTopic } from "./program.ts";

// The shell's completion script asks here at TAB time (see `swamp completion`).
if (process.argv[2] === "__complete") {
  const found = await completionsFor(process.argv.slice(3));
  write("stdout", found.map((c) => `${c}\n`).join(""));
  await exitFlushed(ExitCode.ok);
}

const json = process.argv.includes("--json");
const { argv, topic } = helpAsFlag(process.argv.slice(2));
const program = await buildProgram(argv);
program.exitOverride();
program.configureOutput({
  writeOut: (text) => write("stdout", text),
  writeErr: (text) => write("stderr", text),
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
  const unknown = topic && unknownTopic(program, topic);
  if (unknown)
    program.error(`unknown command '${unknown}'`, { code: "commander.unknownCommand", exitCode: 2 });
  await program.parseAsync(argv, { from: "user" });
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
// Help and usage errors end here (a command's action exits by itself): what they wrote goes first.
await exitFlushed(Number(process.exitCode ?? ExitCode.ok));
