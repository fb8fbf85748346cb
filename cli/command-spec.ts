import type { Invocation } from "./run.ts";

/**
 * A command declared next to its handler (docs/architecture.md, "Commands"): its arguments,
 * options, help and examples, with the handler's option types derived from the declaration.
 */

interface OptionBase {
  /** Commander's syntax: `--value <text>`, `-y, --yes`, `--no-content`. */
  flags: string;
  description: string;
  /** Accepted but left out of the help (old spellings). */
  hidden?: boolean;
}

/** An option taking a value. */
export interface TextOption extends OptionBase {
  kind: "text";
  default?: string;
  required?: boolean;
  choices?: readonly string[];
}

/** A switch: true when given. */
export interface FlagOption extends OptionBase {
  kind: "flag";
}

/** A repeatable option: every value given, in order. */
export interface ListOption extends OptionBase {
  kind: "list";
}

/** `--no-x`: true unless given. */
export interface NegatedOption extends OptionBase {
  kind: "negated";
}

export type OptionSpec = TextOption | FlagOption | ListOption | NegatedOption;

/** Options by the name the handler reads them under: commander's camelCase of the long flag. */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends FlagOption
  ? boolean | undefined
  : S extends NegatedOption
    ? boolean
    : S extends ListOption
      ? string[]
      : S extends { required: true } | { default: string }
        ? string
        : string | undefined;

/** What the handler receives for `O`. */
export type OptsOf<O extends OptionSpecs> = { readonly [K in keyof O]: ValueOf<O[K]> };

export function text<const E extends Omit<TextOption, "kind" | "flags" | "description">>(
  flags: string,
  description: string,
  extra?: E,
): TextOption & E {
  return { kind: "text", flags, description, ...(extra as E) };
}

export function flag(flags: string, description: string, extra: { hidden?: boolean } = {}): FlagOption {
  return { kind: "flag", flags, description, ...extra };
}

export function list(flags: string, description: string): ListOption {
  return { kind: "list", flags, description };
}

export function negated(flags: string, description: string): NegatedOption {
  return { kind: "negated", flags, description };
}

/** A positional argument: `<name>` required, `[name]` optional. */
export interface ArgumentSpec {
  syntax: string;
  description: string;
  choices?: readonly string[];
  /**
   * A value such as `-lead` is this argument, not an unknown option, so the command's own check
   * explains what is wrong with it.
   */
  mayStartWithDash?: boolean;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  description: string;
  arguments?: readonly ArgumentSpec[];
  options: O;
  /** Shell lines shown under "Examples:" in the help. */
  examples: readonly string[];
  /** More help after the examples (exit codes, tunables). */
  epilogue?: string;
  run(inv: Invocation<OptsOf<O>>): Promise<void>;
}

/** Checks nothing at run time: it gives the handler the option types its declaration implies. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

// Options and arguments several commands share, declared once.

export const modelArgument: ArgumentSpec = { syntax: "[model]", description: "model name or id" };
export const nameArgument: ArgumentSpec = { syntax: "[name]", description: "data name" };

export const selectModel = {
  model: text("--model <model>", "model name or id (instead of the positional)"),
} as const;

export const selectName = {
  name: text("--name <name>", "data name (instead of the positional)"),
} as const;

export const confirm = {
  yes: flag("-y, --yes", "do not ask for confirmation"),
  force: flag("-f, --force", "same as --yes", { hidden: true }),
} as const;

export const dryRun = {
  dryRun: flag("--dry-run", "show what would be deleted"),
} as const;

/** `--timeout <seconds>` with what the command gives up on. */
export function timeout(description: string) {
  return { timeout: text("--timeout <seconds>", description) } as const;
}
