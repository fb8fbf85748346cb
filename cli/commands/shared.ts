import type { ModelDefinition } from "../../core/data-record.ts";
import { SwampError } from "../../core/errors.ts";
import type { WithGlobalLease, WithModelLeases } from "../../core/use-cases/model-leases.ts";
import { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";

export { formatSize } from "../../core/size-text.ts";

export const openRepo = (inv: Invocation<unknown>) => RepoContext.open(inv.out, inv.globals.repoDir);

/** The per-model lease protocol bound to this command's interrupt signal. */
export function modelLeases(ctx: RepoContext, signal: AbortSignal): WithModelLeases {
  return (models, fn, operation) => ctx.withModels(models, operation, signal, fn);
}

/** The global lease (with its pull and push on a bucket) bound to this command's interrupt signal. */
export function globalLease(ctx: RepoContext, signal: AbortSignal): WithGlobalLease {
  return (fn, operation) => ctx.withStructural(operation, signal, fn);
}

/** `[model]` positional or `--model`; one is required. */
export function pick(
  positional: string | undefined,
  flag: string | undefined,
  what: string,
  example: string,
): string {
  const value = flag ?? positional;
  if (value === undefined) throw new SwampError("usage", `Missing ${what}. Example: ${example}`);
  if (value === "") throw new SwampError("usage", `The ${what} is empty (''); give one. Example: ${example}`);
  if (flag !== undefined && positional !== undefined && flag !== positional) {
    throw new SwampError(
      "usage",
      `The ${what} is given twice ("${positional}" and --${what.split(" ")[0]} "${flag}"); give it once.`,
    );
  }
  return value;
}

export function parsePositiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new SwampError("usage", `${flag} must be a positive whole number; got "${value}".`);
  }
  return Number(value);
}

/**
 * Resolves a model by name or id (of `type` when given: it chooses among models sharing a name),
 * or fails naming how to see the models there are.
 */
export async function requireModel(ctx: RepoContext, ref: string, type?: string): Promise<ModelDefinition> {
  const models = ctx.models();
  const model = await models.resolve(ref, type);
  if (model) return model;
  const others = type === undefined ? [] : await models.named(ref);
  if (others.length > 0) {
    throw new SwampError(
      "not_found",
      `Model not found: ${ref} of type ${type}. "${ref}" exists with type ${others.map((m) => m.type).join(", ")}; pass ${others.length === 1 ? "it to --model-type, or leave --model-type out" : "one of those to --model-type"}.`,
    );
  }
  throw new SwampError(
    "not_found",
    `Model not found: ${ref}. Check the name (models live in ${ctx.repoDir}/models/), or write data with 'swamp data put ${ref} <name> --model-type <type> --value …' to create it.`,
  );
}
