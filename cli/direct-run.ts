import type { CommandSpec, OptionSpec } from "./command-spec.ts";
import { commands, GLOBAL_OPTIONS, GROUPS, namedPath } from "./command-table.ts";
import type { GlobalOptions } from "./output.ts";
import { type ParsedLine, runCommand } from "./run.ts";

/**
 * A command line the command's own declaration reads whole runs without commander
 * (docs/architecture.md, "Command line"): loading commander costs more than a quick command's
 * work. Whatever is not read plainly here goes to commander, whose checks and messages stay the
 * only ones: help, `--` and `-qv`, an unknown, misplaced or repeated option, a value that starts
 * with `-` (but `-` itself), one outside its choices, a missing required option, too few or too
 * many arguments.
 */
export async function runDirect(argv: readonly string[]): Promise<boolean> {
  const found = await directLine(argv);
  if (!found) return false;
  await runCommand(async () => found.spec, found.line);
  return true;
}

/** The command `argv` names and what it says to it, or undefined when commander must read it. */
export async function directLine(
  argv: readonly string[],
): Promise<{ spec: CommandSpec; line: ParsedLine } | undefined> {
  if (argv.some((a) => a === "--help" || a === "-h" || a === "--" || a === "help" || a === "__complete"))
    return undefined;
  const entries = commands();
  const path = namedPath(argv, [...GROUPS.map((g) => g.path), ...entries.map((e) => e.path)]);
  const entry = entries.find((e) => e.path.length === path.length && e.path.every((w, i) => w === path[i]));
  if (!entry) return undefined;
  const spec = await entry.load();
  const line = readLine(spec, argv, path.length);
  return line && { spec, line };
}

interface Flag {
  key: string;
  spec: OptionSpec;
  takesValue: boolean;
}

/** Each spelling of each option (`-y`, `--yes`) with the key the command reads it under. */
function flagTable(options: Readonly<Record<string, OptionSpec>>): Map<string, Flag> {
  const table = new Map<string, Flag>();
  for (const [key, spec] of Object.entries(options)) {
    const words = spec.flags.split(/[\s,]+/);
    const takesValue = words.some((w) => w.startsWith("<"));
    for (const word of words.filter((w) => w.startsWith("-"))) table.set(word, { key, spec, takesValue });
  }
  return table;
}

function readLine(spec: CommandSpec, argv: readonly string[], pathLength: number): ParsedLine | undefined {
  const globalFlags = flagTable(GLOBAL_OPTIONS);
  const ownFlags = flagTable(spec.options);
  const given = { own: new Map<string, unknown>(), global: new Map<string, unknown>() };
  const args: string[] = [];
  let pathWords = 0;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith("-") || token === "-") {
      if (token === "-") return undefined;
      if (pathWords < pathLength) pathWords++;
      else args.push(token);
      continue;
    }
    const [name, inline] =
      token.startsWith("--") && token.includes("=") ? splitAt(token) : [token, undefined];
    // A command's options come after its name; global ones anywhere.
    const own = pathWords === pathLength ? ownFlags.get(name) : undefined;
    const flag = own ?? globalFlags.get(name);
    if (!flag) return undefined;
    const into = own ? given.own : given.global;
    let value: unknown;
    if (flag.takesValue) {
      value = inline ?? argv[++i];
      if (typeof value !== "string" || (value.startsWith("-") && value !== "-")) return undefined;
    } else {
      if (inline !== undefined) return undefined;
      value = flag.spec.kind !== "negated";
    }
    if (flag.spec.kind === "list") {
      into.set(flag.key, [...((into.get(flag.key) as string[] | undefined) ?? []), value]);
      continue;
    }
    if (into.has(flag.key)) return undefined;
    if (flag.spec.kind === "text" && flag.spec.choices && !flag.spec.choices.includes(value as string))
      return undefined;
    into.set(flag.key, value);
  }
  if (pathWords < pathLength || !argumentsFit(spec, args)) return undefined;
  const opts = withDefaults(spec.options, given.own);
  return opts && { args, opts, globals: withDefaults(GLOBAL_OPTIONS, given.global) as GlobalOptions };
}

function splitAt(token: string): [string, string] {
  const at = token.indexOf("=");
  return [token.slice(0, at), token.slice(at + 1)];
}

function argumentsFit(spec: CommandSpec, args: readonly string[]): boolean {
  const declared = spec.arguments ?? [];
  const required = declared.filter((a) => a.syntax.startsWith("<")).length;
  if (args.length < required || args.length > declared.length) return false;
  return args.every((value, i) => {
    const choices = declared[i]?.choices;
    return !choices || choices.includes(value);
  });
}

/** Commander's values for options not given: a default, `[]` for a list, true for `--no-x`. */
function withDefaults(
  options: Readonly<Record<string, OptionSpec>>,
  given: Map<string, unknown>,
): Record<string, unknown> | undefined {
  const opts: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(options)) {
    if (given.has(key)) opts[key] = given.get(key);
    else if (spec.kind === "list") opts[key] = [];
    else if (spec.kind === "negated") opts[key] = true;
    else if (spec.kind === "text" && spec.default !== undefined) opts[key] = spec.default;
    else if (spec.kind === "text" && spec.required) return undefined;
  }
  return opts;
}
