import { Argument, Command, Option } from "commander";
import type { CommandSpec, OptionSpec } from "./command-spec.ts";
import { commands, GLOBAL_OPTIONS, GROUPS, namedPath, startsWith } from "./command-table.ts";
import { lazyAction } from "./run.ts";

// The commander program over the command table (cli/command-table.ts): help pages, completion,
// and every command line cli/direct-run.ts leaves to it.

/**
 * `swamp help <group> <command>` as `swamp <group> <command> --help` (commander's own help
 * command only looks one level down), with the words it asks about: `topic`, undefined when
 * `argv` does not ask for help that way.
 */
export function helpAsFlag(argv: readonly string[]): { argv: string[]; topic?: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--repo-dir") i++;
    else if (!arg.startsWith("-")) {
      if (arg !== "help") break;
      const rest = argv.slice(i + 1);
      return {
        argv: [...argv.slice(0, i), ...rest, "--help"],
        topic: rest.filter((w) => !w.startsWith("-")),
      };
    }
  }
  return { argv: [...argv] };
}

/** The first words of `topic` that name no command or group, or undefined when all of them do. */
export function unknownTopic(program: Command, topic: readonly string[]): string | undefined {
  let at: Command = program;
  for (const [i, word] of topic.entries()) {
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) return topic.slice(0, i + 1).join(" ");
    at = next;
  }
  return undefined;
}

/** The program for `argv` (the arguments after the binary's name). */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command("swamp")
    .description(
      "Versioned runtime data in a datastore: the repo's .swamp/ folder, an external folder, S3 or GCS.",
    )
    .showSuggestionAfterError(true)
    // Every command's help ends with the global flags; commands made below inherit this.
    .configureHelp({ showGlobalOptions: true })
    // `swamp --version` is answered in main.ts, first argument only: subcommands use --version N.
    .addHelpText(
      "after",
      "\nVersion:\n  swamp --version (or -V) prints the version; swamp version adds the commit, build date and platform",
    )
    .addHelpText(
      "after",
      examples([
        "swamp repo init",
        'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
        "swamp data query 'modelName == \"vpc\"' --json",
        "swamp ds status",
      ]),
    );
  for (const [key, declared] of Object.entries(GLOBAL_OPTIONS)) program.addOption(optionFor(key, declared));
  const entries = commands();
  const target = namedPath(argv, [...GROUPS.map((g) => g.path), ...entries.map((e) => e.path)]);
  // The named command, or what the named group's help lists: its commands and groups one level down.
  const wanted = entries.filter((e) => startsWith(e.path, target) && e.path.length - target.length <= 1);
  const specs = await Promise.all(wanted.map((e) => e.load()));
  const groups = new Map<string, Command>([["", program]]);
  const parentOf = (path: readonly string[]): Command => {
    const key = path.join(" ");
    const known = groups.get(key);
    if (known) return known;
    const group = GROUPS.find((g) => g.path.join(" ") === key);
    if (!group) throw new Error(`no group "${key}" for a command under it`);
    const made = parentOf(path.slice(0, -1)).command(path[path.length - 1] as string);
    made.description(group.description).addHelpText("after", examples(group.examples));
    if (group.alias) made.alias(group.alias);
    groups.set(key, made);
    return made;
  };
  for (const entry of entries) {
    const spec = specs[wanted.indexOf(entry)];
    if (spec) register(parentOf(entry.path.slice(0, -1)), entry.path[entry.path.length - 1] as string, spec);
    // A group's help lists the groups one level down even when none of their commands loaded.
    else if (startsWith(entry.path, target) && entry.path.length - target.length === 2)
      parentOf(entry.path.slice(0, -1));
  }
  return program;
}

function register(parent: Command, name: string, spec: CommandSpec): void {
  const cmd = parent.command(name).description(spec.description);
  for (const a of spec.arguments ?? []) {
    const argument = new Argument(a.syntax, a.description);
    if (a.choices) argument.choices(a.choices);
    if (a.mayStartWithDash) cmd.allowUnknownOption();
    cmd.addArgument(argument);
  }
  for (const [key, declared] of Object.entries(spec.options)) cmd.addOption(optionFor(key, declared));
  cmd.addHelpText("after", `${examples(spec.examples)}${spec.epilogue ?? ""}`);
  cmd.action(lazyAction(async () => spec));
}

function optionFor(key: string, declared: OptionSpec): Option {
  const option = new Option(declared.flags, declared.description);
  // The handler reads the option under its declared key: a mismatch would read undefined forever.
  if (option.attributeName() !== key)
    throw new Error(`${declared.flags} is read as "${option.attributeName()}" but declared as "${key}"`);
  if (declared.hidden) option.hideHelp();
  if (declared.kind === "list") option.argParser(collect).default([]);
  if (declared.kind === "text") {
    if (declared.default !== undefined) option.default(declared.default);
    if (declared.required) option.makeOptionMandatory();
    if (declared.choices) option.choices(declared.choices);
  }
  return option;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

/**
 * What completes the last of `words` (the words after `swamp`, the last one being typed): the
 * commands and groups under the path typed so far, the options of the command it names (loaded
 * for that) and the global ones, or the choices of an option's or argument's value.
 */
export async function completionsFor(words: readonly string[]): Promise<string[]> {
  const current = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  let cmd = await buildProgram(before);
  for (const word of before.filter((w, i) => !w.startsWith("-") && before[i - 1] !== "--repo-dir")) {
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    cmd = next;
  }
  const options: Option[] = [];
  for (let at: Command | null = cmd; at; at = at.parent) options.push(...at.options.filter((o) => !o.hidden));
  const previous = before[before.length - 1] ?? "";
  const valued = options.find(
    (o) => (o.long === previous || o.short === previous) && (o.required || o.optional),
  );
  const candidates = valued
    ? (valued.argChoices ?? [])
    : current.startsWith("-")
      ? [...options.flatMap((o) => (o.long ? [o.long] : [])), "--help"]
      : cmd.commands.length > 0
        ? cmd.commands.map((c) => c.name())
        : cmd.registeredArguments.flatMap((a) => a.argChoices ?? []);
  return [...new Set(candidates)].filter((c) => c.startsWith(current));
}
