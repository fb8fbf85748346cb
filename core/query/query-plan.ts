import type { ASTNode, ParseResult } from "@marcbachmann/cel-js";
import { SwampError } from "../errors.ts";
import type { CatalogFilter, CatalogRow } from "../ports/catalog.ts";
import {
  DATA_VARIABLE,
  isBuiltinIdentifier,
  queryEnvironment,
  RECORD_FIELDS,
  type RecordField,
} from "./cel-environment.ts";
import { ROW_FIELD } from "./record-context.ts";
import { rootIdentifiers } from "./root-identifiers.ts";

/** A compiled CEL expression; returns a Promise when it calls async `data.*` functions. */
export type CompiledExpression = (context: object) => unknown;

/** What `runQuery` needs to answer one predicate (docs/architecture.md, "Queries"). */
export interface QueryPlan {
  readonly predicate: string;
  readonly select: string | undefined;
  /** What SQL can answer (a superset; CEL stays authoritative). */
  readonly pushdown: CatalogFilter;
  /** Implicit latest: the predicate reads neither `version` nor `isLatest`. */
  readonly latestOnly: boolean;
  /** The predicate reads `attributes` or `content`: rows it cannot decide without them need their content. */
  readonly predicateReadsContent: boolean;
  /** The `--select` reads them: every match needs its content before the projection. */
  readonly selectReadsContent: boolean;
  /**
   * The predicate reads a row field or calls `data.*` besides the content, so it may decide some
   * rows without their content; otherwise trying costs an evaluation per row for nothing.
   */
  readonly decidableWithoutContent: boolean;
  /** The row fields the predicate reads: all a candidate needs before it is known to match. */
  readonly predicateFields: readonly (keyof CatalogRow)[];
  /** The predicate or select calls `data.*`. */
  readonly usesData: boolean;
  readonly evaluatePredicate: CompiledExpression;
  readonly evaluateSelect: CompiledExpression | undefined;
}

const PREDICATE_EXAMPLE = `Example: swamp data query 'modelName == "vpc" && size > 100'`;
const SELECT_EXAMPLE = `Example: swamp data query 'modelName == "vpc"' --select '{"name": name, "size": size}'`;

/** Parses, checks and analyses a predicate (and optional `--select`); throws SwampError("query_failed"). */
export function planQuery(predicate: string, select?: string): QueryPlan {
  const filter = compile(predicate, "query predicate", `Invalid query predicate`, PREDICATE_EXAMPLE);
  const predicateType = filter.check();
  if (predicateType !== "bool" && predicateType !== "dyn") {
    throw new SwampError(
      "query_failed",
      `Invalid query predicate: it must be true or false, but it returns ${predicateType}.\n${PREDICATE_EXAMPLE}`,
    );
  }
  const projection =
    select === undefined
      ? undefined
      : compile(select, "select expression", "Invalid select expression", SELECT_EXAMPLE);
  projection?.check();

  const referenced = new Set([...filter.identifiers, ...(projection?.identifiers ?? [])]);
  const latestOnly = !filter.identifiers.has("version") && !filter.identifiers.has("isLatest");
  return {
    predicate,
    select,
    pushdown: { ...equalityPushdown(filter.ast), ...(latestOnly ? { latestOnly: true } : {}) },
    latestOnly,
    predicateReadsContent: readsContent(filter.identifiers),
    selectReadsContent: readsContent(projection?.identifiers ?? new Set()),
    predicateFields: rowFields(filter.identifiers),
    decidableWithoutContent:
      rowFields(filter.identifiers).length > 0 || filter.identifiers.has(DATA_VARIABLE),
    usesData: referenced.has(DATA_VARIABLE),
    evaluatePredicate: filter.evaluate,
    evaluateSelect: projection?.evaluate,
  };
}

const readsContent = (identifiers: ReadonlySet<string>) =>
  identifiers.has("attributes") || identifiers.has("content");

function rowFields(identifiers: ReadonlySet<string>): (keyof CatalogRow)[] {
  const fields = new Set<keyof CatalogRow>();
  for (const name of identifiers) {
    const field = Object.hasOwn(ROW_FIELD, name) ? ROW_FIELD[name as RecordField] : null;
    if (field !== null) fields.add(field);
  }
  return [...fields];
}

function compile(source: string, what: string, invalid: string, example: string) {
  let parsed: ParseResult;
  try {
    parsed = queryEnvironment().parse(source);
  } catch (err) {
    throw new SwampError("query_failed", `${invalid}: ${messageOf(err)}\n${example}`);
  }
  const identifiers = rootIdentifiers(parsed.ast);
  assertKnownFields(identifiers, what);
  return {
    ast: parsed.ast,
    identifiers,
    evaluate: parsed as CompiledExpression,
    /** Type-checks once (cel-js caches the result on the AST) and returns the expression's type. */
    check(): string {
      const result = parsed.check();
      if (!result.valid)
        throw new SwampError("query_failed", `${invalid}: ${messageOf(result.error)}\n${example}`);
      return result.type ?? "dyn";
    },
  };
}

function assertKnownFields(identifiers: ReadonlySet<string>, what: string): void {
  const fields: ReadonlySet<string> = new Set(RECORD_FIELDS);
  const unknown = [...identifiers].filter(
    (name) => !fields.has(name) && name !== DATA_VARIABLE && !isBuiltinIdentifier(name),
  );
  if (unknown.length === 0) return;
  const names = unknown.map((name) => `"${name}"`).join(", ");
  const label = unknown.length === 1 ? "field" : "fields";
  throw new SwampError(
    "query_failed",
    `Unknown ${label} ${names} in ${what}.\nAvailable: ${RECORD_FIELDS.join(", ")}`,
    { unknown },
  );
}

/** Top-level conjuncts `modelName == "<lit>"` and `ns == "<lit>"` (either side), first one wins. */
function equalityPushdown(ast: ASTNode): CatalogFilter {
  const filter: CatalogFilter = {};
  for (const conjunct of conjuncts(ast)) {
    if (conjunct.op !== "==") continue;
    const [left, right] = conjunct.args;
    const pair = left.op === "id" ? ([left, right] as const) : ([right, left] as const);
    const [field, literal] = pair;
    if (field.op !== "id" || literal.op !== "value" || typeof literal.args !== "string") continue;
    if (field.args === "modelName") filter.modelName ??= literal.args;
    if (field.args === "ns") filter.namespace ??= literal.args;
  }
  return filter;
}

function conjuncts(ast: ASTNode): ASTNode[] {
  if (ast.op !== "&&") return [ast];
  return [...conjuncts(ast.args[0]), ...conjuncts(ast.args[1])];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
