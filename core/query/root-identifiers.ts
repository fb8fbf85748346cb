import type { ASTNode } from "@marcbachmann/cel-js";

/** Receiver macros whose first argument names an iteration variable (`list.exists(x, …)`). */
const ITERATION_MACROS = new Set(["all", "exists", "exists_one", "map", "filter"]);

/**
 * Identifiers an expression reads from its context: free `id` nodes, not the variables bound by
 * comprehension macros or `cel.bind`. Field names after `.` and string literals never count.
 */
export function rootIdentifiers(ast: ASTNode): Set<string> {
  const found = new Set<string>();
  walk(ast, new Set(), found);
  return found;
}

function isNode(value: unknown): value is ASTNode {
  return typeof value === "object" && value !== null && "op" in value && "args" in value;
}

function walk(node: ASTNode, bound: ReadonlySet<string>, found: Set<string>): void {
  switch (node.op) {
    case "id":
      if (!bound.has(node.args)) found.add(node.args);
      return;
    case "value":
      return;
    case "rcall": {
      const [name, receiver, args] = node.args;
      const variable = args[0]?.op === "id" ? args[0].args : undefined;
      if (variable !== undefined && ITERATION_MACROS.has(name) && args.length >= 2) {
        walk(receiver, bound, found);
        const inner = new Set(bound).add(variable);
        for (const arg of args.slice(1)) walk(arg, inner, found);
        return;
      }
      const isBind = name === "bind" && receiver.op === "id" && receiver.args === "cel" && !bound.has("cel");
      if (variable !== undefined && isBind && args.length === 3) {
        walkAll(args[1], bound, found);
        walkAll(args[2], new Set(bound).add(variable), found);
        return;
      }
      walk(receiver, bound, found);
      walkAll(args, bound, found);
      return;
    }
    default:
      walkAll(node.args, bound, found);
  }
}

/** Walks every AST node nested in `value` (operand lists, map entries); ignores names and literals. */
function walkAll(value: unknown, bound: ReadonlySet<string>, found: Set<string>): void {
  if (isNode(value)) walk(value, bound, found);
  else if (Array.isArray(value)) for (const item of value) walkAll(item, bound, found);
}
