import { SwampError } from "./errors.ts";
import { validateNamespace } from "./namespace.ts";

/**
 * A model argument of the `ns:model` form (docs/architecture.md, "Namespaces"): no namespace means
 * the repo's own.
 */
export interface ModelReference {
  /** `undefined` = own namespace, `"*"` = any namespace, otherwise a validated slug. */
  namespace: string | undefined;
  model: string;
}

/** Splits at the first `:`; `:m` is the own namespace, `*:m` any namespace. */
export function parseModelReference(reference: string): ModelReference {
  const colon = reference.indexOf(":");
  const prefix = colon < 0 ? "" : reference.slice(0, colon);
  const model = colon < 0 ? reference : reference.slice(colon + 1);
  if (model === "") {
    throw new SwampError(
      "validation_failed",
      `Model reference "${reference}" has no model name. Use "model", "namespace:model" or "*:model".`,
    );
  }
  if (prefix === "") return { namespace: undefined, model };
  if (prefix === "*") return { namespace: "*", model };
  return { namespace: validateNamespace(prefix), model };
}
