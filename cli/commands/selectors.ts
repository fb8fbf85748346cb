import { SwampError } from "../../core/errors.ts";
import { text } from "../command-spec.ts";

/**
 * Selecting options given on the command line. An empty value is refused, never read as "every
 * name" (`--prefix ''` matches all of them) or as a filter that matches nothing.
 */

/** `value` unless it is empty; `why` says what the empty value would do and how to give a real one. */
export function nonEmptyOption(value: string | undefined, option: string, why: string): string | undefined {
  if (value !== "") return value;
  throw new SwampError("usage", `Refused ${option} '': ${why}`);
}

/** `--tag key=value` flags as tags; an empty key or value is refused. */
export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values) {
    const problem = tagProblem(value);
    if (problem)
      throw new SwampError("usage", `Invalid --tag "${value}": ${problem}. Give both, e.g. --tag env=prod.`);
    const eq = value.indexOf("=");
    tags[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return tags;
}

function tagProblem(value: string): string | null {
  const eq = value.indexOf("=");
  if (eq === -1) return "expected key=value";
  if (eq === 0) return "the key is empty";
  if (eq === value.length - 1) return "the value is empty";
  return null;
}

/** Chooses among models sharing a name (each type is a separate model). */
export const selectModelType = {
  modelType: text(
    "--model-type <type>",
    "the model's type, when several models share its name (e.g. aws::ec2::vpc)",
  ),
} as const;
