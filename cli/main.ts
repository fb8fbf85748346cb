// The entry point. `swamp --version` answers before anything else loads; everything else
// (commander, the command tree) is imported only when a command runs.
declare const SWAMP_VERSION: string | undefined;

const first = process.argv[2];
if (first === "--version" || first === "-V") {
  process.stdout.write(`${typeof SWAMP_VERSION === "string" ? SWAMP_VERSION : "0.0.0-dev"}\n`);
} else {
  await import("./cli.ts");
}

export {};
