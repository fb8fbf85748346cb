import { Argument, Command, Option } from "commander";
import { allBackends } from "../core/backends/registry.ts";
import type { CommandSpec, OptionSpec } from "./command-spec.ts";
import { lazyAction } from "./run.ts";

/**
 * The command tree (docs/architecture.md, "Commands"). Each command declares itself in its own
 * file; this one only places them. Only the commands a run needs are loaded: the one named on
 * the command line, or the ones a help page lists, so start-up never pays for the others.
 */

interface Group {
  path: readonly string[];
  description: string;
  examples: readonly string[];
  alias?: string;
}

interface Entry {
  path: readonly string[];
  load(): Promise<CommandSpec>;
}

const GROUPS: readonly Group[] = [
  {
    path: ["repo"],
    description: "create and inspect swamp repositories",
    examples: ["swamp repo init", "swamp repo init --repo-dir ./infra --json"],
  },
  {
    path: ["data"],
    description: "write, read, query and clean up versioned data records",
    examples: [
      'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
      "swamp data get vpc main",
      "swamp data query 'modelName == \"vpc\"' --json",
      "swamp help data put",
    ],
  },
  {
    path: ["datastore"],
    description: "configure and inspect the datastore (alias: ds)",
    alias: "ds",
    examples: ["swamp ds status", "swamp ds setup s3 --bucket my-bucket --region eu-west-1", "swamp ds sync"],
  },
  {
    path: ["datastore", "setup"],
    description: "point the repo at a datastore, migrating existing data",
    examples: [
      "swamp ds setup filesystem --path /mnt/shared/swamp",
      "swamp ds setup s3 --bucket my-bucket --region eu-west-1",
      "swamp ds setup gcs --bucket my-bucket",
    ],
  },
  {
    path: ["datastore", "lock"],
    description: "inspect and break leases",
    examples: ["swamp ds lock status", "swamp ds lock release --force --model aws/ec2/vpc/6f0c1d2e-…"],
  },
  {
    path: ["datastore", "catalog"],
    description: "pull the catalogs other namespaces publish, to query their records",
    examples: ["swamp ds catalog pull --namespaces infra,network", "swamp ds catalog pull --all"],
  },
  {
    path: ["datastore", "namespace"],
    description: "share one datastore between repos, each in its own namespace",
    examples: [
      "swamp ds namespace set infra",
      "swamp ds namespace list",
      "swamp ds namespace migrate --confirm",
    ],
  },
];

/** Every command in the order the help lists them. */
function commands(): Entry[] {
  const at = (path: string, load: () => Promise<{ command: CommandSpec }>): Entry => ({
    path: path.split(" "),
    load: async () => (await load()).command,
  });
  const setups = allBackends().flatMap((backend) =>
    backend.setup.map((setup) => ({
      path: ["datastore", "setup", setup.name],
      load: async () =>
        (await import("./commands/datastore-setup.ts")).setupCommand(backend.placement, setup),
    })),
  );
  return [
    at("repo init", () => import("./commands/repo-init.ts")),
    at("data put", () => import("./commands/data-put.ts")),
    at("data get", () => import("./commands/data-get.ts")),
    at("data list", () => import("./commands/data-list.ts")),
    at("data versions", () => import("./commands/data-versions.ts")),
    at("data query", () => import("./commands/data-query.ts")),
    at("data delete", () => import("./commands/data-delete.ts")),
    at("data rename", () => import("./commands/data-rename.ts")),
    at("data gc", () => import("./commands/data-gc.ts")),
    at("doctor", () => import("./commands/doctor.ts")),
    at("datastore status", () => import("./commands/datastore-status.ts")),
    ...setups,
    at("datastore setup extension", () => import("./commands/datastore-setup-extension.ts")),
    at("datastore sync", () => import("./commands/datastore-sync.ts")),
    at("datastore compact", () => import("./commands/datastore-compact.ts")),
    at("datastore lock status", () => import("./commands/datastore-lock-status.ts")),
    at("datastore lock release", () => import("./commands/datastore-lock-release.ts")),
    at("datastore namespace set", () => import("./commands/datastore-namespace-set.ts")),
    at("datastore namespace list", () => import("./commands/datastore-namespace-list.ts")),
    at("datastore namespaces", async () => {
      const { command } = await import("./commands/datastore-namespace-list.ts");
      return { command: { ...command, description: "same as 'datastore namespace list'" } };
    }),
    at("datastore namespace migrate", () => import("./commands/datastore-namespace-migrate.ts")),
    at("datastore namespace unset", () => import("./commands/datastore-namespace-unset.ts")),
    at("datastore catalog pull", () => import("./commands/datastore-catalog-pull.ts")),
    at("version", () => import("./commands/version.ts")),
    at("completion", () => import("./commands/completion.ts")),
  ];
}

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
    .option("--json", "print one JSON document on stdout (errors as {error, code} on stderr)")
    .option("-q, --quiet", "print only results and errors")
    .option("-v, --verbose", "print more detail")
    .option("--no-color", "never use colour (NO_COLOR is honoured too)")
    .option(
      "--repo-dir <dir>",
      "the repository to work on (default: $SWAMP_REPO_DIR, else the nearest directory from here up holding .swamp.yaml)",
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

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((word, i) => path[i] === word);
}

/**
 * The longest known command or group path named by `argv`: its words, skipping options (and the
 * value of `--repo-dir`), and the `ds` alias read as `datastore`.
 */
function namedPath(argv: readonly string[], known: readonly (readonly string[])[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--repo-dir") i++;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  if (words[0] === "ds") words[0] = "datastore";
  let path: string[] = [];
  for (let n = 1; n <= words.length; n++) {
    const candidate = words.slice(0, n);
    if (known.some((k) => k.length === n && startsWith(k, candidate))) path = candidate;
    else break;
  }
  return path;
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
