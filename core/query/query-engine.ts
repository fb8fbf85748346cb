import { SwampError } from "../errors.ts";
import type { Catalog, CatalogRow } from "../ports/catalog.ts";
import type { ContentReader } from "../ports/content-reader.ts";
import { DataFunctions } from "./data-functions.ts";
import { toPlainValue } from "./plain-value.ts";
import { type CompiledExpression, planQuery, type QueryPlan } from "./query-plan.ts";
import { type DataRecord, loadContents, toCelRecord, toDataRecord } from "./query-record.ts";
import { contentKind, EMPTY_CONTENT, type RecordContent } from "./record-content.ts";
import { RecordContext } from "./record-context.ts";
import { scanCatalog } from "./scan-catalog.ts";

export interface QuerySources {
  catalog: Catalog;
  content: ContentReader;
  /** The repo's namespace ("" in solo mode): where bare model names in `data.*` calls resolve. */
  ownNamespace: string;
}

export interface RunQueryInput extends QuerySources {
  plan: QueryPlan;
  /** Stop after this many results; unlimited when absent. */
  limit?: number;
}

export type QueryOutcome =
  | { kind: "records"; results: DataRecord[]; total: number; limited: boolean }
  /** `--select` projections as plain values (BigInt → number); a projection that failed is null. */
  | { kind: "select"; results: unknown[]; total: number; limited: boolean };

interface Match {
  row: CatalogRow;
  loaded: RecordContent | undefined;
  selected: unknown;
}

/** Evaluates `plan` over the catalog in rowid order (SPEC §8); rows whose evaluation fails are skipped. */
export async function runQuery(input: RunQueryInput): Promise<QueryOutcome> {
  const { plan } = input;
  const { matches, limited } = await findMatches(plan, input, dataFunctions(input), input.limit ?? Infinity);
  if (plan.evaluateSelect !== undefined) {
    const results = matches.map((match) => toPlainValue(match.selected));
    return { kind: "select", results, total: results.length, limited };
  }
  // The output carries content only for JSON records (SPEC §1.10).
  await fillContent(matches, input.content, (row) => contentKind(row.contentType) === "json");
  const results = matches.map((match) => toDataRecord(match.row, match.loaded ?? EMPTY_CONTENT));
  return { kind: "records", results, total: results.length, limited };
}

/** The `data` receiver of one command; `data.query` runs nested queries through the same memo. */
function dataFunctions(sources: QuerySources): DataFunctions {
  const data: DataFunctions = new DataFunctions({
    ...sources,
    query: async (predicate, select) => {
      const plan = planQuery(predicate, select);
      const { matches } = await findMatches(plan, sources, data, Infinity);
      if (plan.evaluateSelect !== undefined) return matches.map((match) => match.selected);
      await fillContent(matches, sources.content, () => true);
      return matches.map((match) => toCelRecord(match.row, match.loaded ?? EMPTY_CONTENT));
    },
  });
  return data;
}

async function findMatches(
  plan: QueryPlan,
  sources: QuerySources,
  data: DataFunctions,
  limit: number,
): Promise<{ matches: Match[]; limited: boolean }> {
  const matches: Match[] = [];
  if (limit <= 0) return { matches, limited: true };
  for (const page of scanCatalog(sources.catalog, plan.pushdown)) {
    const loaded = plan.readsContent ? await loadContents(page, sources.content) : undefined;
    for (let i = 0; i < page.length; i++) {
      const row = page[i] as CatalogRow;
      if (plan.latestOnly && !row.isLatest) continue;
      const context = new RecordContext(row, loaded?.[i], data);
      let keep = attempt(plan.evaluatePredicate, context, false);
      if (keep instanceof Promise) keep = await keep;
      if (keep !== true) continue;
      let selected =
        plan.evaluateSelect === undefined ? undefined : attempt(plan.evaluateSelect, context, null);
      if (selected instanceof Promise) selected = await selected;
      matches.push({ row, loaded: loaded?.[i], selected });
      if (matches.length >= limit) return { matches, limited: true };
    }
  }
  return { matches, limited: false };
}

/** Loads the content of matches the predicate did not need it for, where `wanted` asks for it. */
async function fillContent(
  matches: Match[],
  reader: ContentReader,
  wanted: (row: CatalogRow) => boolean,
): Promise<void> {
  const missing = matches.filter((match) => match.loaded === undefined && wanted(match.row));
  const read = await loadContents(
    missing.map((match) => match.row),
    reader,
  );
  missing.forEach((match, i) => {
    match.loaded = read[i];
  });
}

/** The expression's value, or `fallback` when CEL fails on this row. SwampErrors (e.g. ambiguity) abort. */
function attempt(expression: CompiledExpression, context: RecordContext, fallback: unknown): unknown {
  const recover = (err: unknown) => {
    if (err instanceof SwampError) throw err;
    return fallback;
  };
  try {
    const value = expression(context);
    return value instanceof Promise ? value.catch(recover) : value;
  } catch (err) {
    return recover(err);
  }
}
