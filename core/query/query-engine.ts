import { SwampError } from "../errors.ts";
import type { CatalogReader, CatalogRow, CatalogWriter, KeptRow } from "../ports/catalog.ts";
import type { ContentReader } from "../ports/content-reader.ts";
import { DataFunctions } from "./data-functions.ts";
import { keptContentOf } from "./kept-content.ts";
import { toPlainValue } from "./plain-value.ts";
import { type CompiledExpression, planQuery, type QueryPlan } from "./query-plan.ts";
import { type DataRecord, loadContents, toCelRecord, toDataRecord } from "./query-record.ts";
import { contentKind, decodeContent, EMPTY_CONTENT, type RecordContent } from "./record-content.ts";
import { ContentlessContext, RecordContext } from "./record-context.ts";
import { scanCatalogFields, scanCatalogKept } from "./scan-catalog.ts";

export interface QuerySources {
  catalog: CatalogReader;
  content: ContentReader;
  /** The repo's namespace ("" in solo mode): where bare model names in `data.*` calls resolve. */
  ownNamespace: string;
  /** Where the content read of the repo's own rows is kept for later queries; none: nothing is kept. */
  keeper?: Pick<CatalogWriter, "keepContent">;
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

/**
 * Evaluates `plan` over the catalog in its scan order (docs/architecture.md, "Queries"); rows whose
 * evaluation fails are skipped.
 */
export async function runQuery(input: RunQueryInput): Promise<QueryOutcome> {
  const { plan } = input;
  const { matches, limited } = await findMatches(plan, input, dataFunctions(input), input.limit ?? Infinity);
  if (plan.evaluateSelect !== undefined) {
    const results = matches.map((match) => toPlainValue(match.selected));
    return { kind: "select", results, total: results.length, limited };
  }
  // The output carries content only for JSON records.
  await fillContent(matches, input, (row) => contentKind(row.contentType) === "json");
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
      await fillContent(matches, sources, () => true);
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
  const wanted = () => limit - matches.length;
  const candidates = plan.predicateReadsContent
    ? candidatesWithContent(plan, sources, data, wanted)
    : candidatesBySlice(plan, sources, data, wanted);
  for await (const page of candidates) {
    const loaded = plan.selectReadsContent ? await completeContents(page, sources) : page.loaded;
    for (let i = 0; i < page.rows.length; i++) {
      const row = page.rows[i] as CatalogRow;
      if (plan.latestOnly && !row.isLatest) continue;
      let selected =
        plan.evaluateSelect === undefined
          ? undefined
          : attempt(plan.evaluateSelect, new RecordContext(row, loaded?.[i], data), null);
      if (selected instanceof Promise) selected = await selected;
      matches.push({ row, loaded: loaded?.[i], selected });
      if (matches.length >= limit) return { matches, limited: true };
    }
  }
  return { matches, limited: false };
}

/**
 * Rows the predicate holds for, page by page, with their content where it was loaded for the
 * predicate (undefined where not).
 */
interface Candidates {
  rows: CatalogRow[];
  loaded?: (RecordContent | undefined)[];
}

/**
 * Whole rows the pushdown lets through, for a predicate that reads content. It is first evaluated
 * without content; only the rows it cannot decide that way are evaluated again with their content:
 * what the catalog keeps, else read (another namespace's is fetched from the datastore).
 */
async function* candidatesWithContent(
  plan: QueryPlan,
  sources: QuerySources,
  data: DataFunctions,
  wanted: () => number,
): AsyncGenerator<Candidates> {
  for (const kept of scanCatalogKept(sources.catalog, plan.pushdown)) {
    const page = kept.map((entry) => entry.row);
    const decided = plan.decidableWithoutContent
      ? page.map((row) => decideWithoutContent(plan, new ContentlessContext(row, data)))
      : new Array<undefined>(page.length).fill(undefined);
    for (let i = 0; i < decided.length; i++) {
      const pending = decided[i];
      if (pending instanceof Promise) decided[i] = await pending;
    }
    const undecided = kept.filter((_, i) => decided[i] === undefined);
    const read = await contentsOf(undecided, sources);
    const keep = await holds(
      plan,
      undecided.map(({ row }, i) => new RecordContext(row, read[i], data)),
      wanted(),
    );
    const rows: CatalogRow[] = [];
    const loaded: (RecordContent | undefined)[] = [];
    let next = 0;
    page.forEach((row, i) => {
      const held = decided[i] ?? keep[next];
      const content = decided[i] === undefined ? read[next++] : undefined;
      if (held !== true) return;
      rows.push(row);
      loaded.push(content);
    });
    yield { rows, loaded };
  }
}

/** The predicate's answer when it does not need the content; undefined when it does (or fails without it). */
function decideWithoutContent(
  plan: QueryPlan,
  context: ContentlessContext,
): boolean | undefined | Promise<boolean | undefined> {
  const decide = (value: unknown) => value === true;
  try {
    const value = plan.evaluatePredicate(context);
    return value instanceof Promise ? value.then(decide, () => undefined) : decide(value);
  } catch {
    return undefined;
  }
}

/**
 * Only the fields the predicate reads for every row, then whole rows for the few it holds for:
 * reading and decoding every column of every row is what makes a full scan slow.
 */
async function* candidatesBySlice(
  plan: QueryPlan,
  sources: QuerySources,
  data: DataFunctions,
  wanted: () => number,
): AsyncGenerator<Candidates> {
  for (const page of scanCatalogFields(sources.catalog, plan.pushdown, plan.predicateFields)) {
    // The slice holds every field the predicate reads, so it can stand in for the row.
    const contexts = page.map((slice) => new RecordContext(slice as unknown as CatalogRow, undefined, data));
    const keep = await holds(plan, contexts, wanted());
    const handles = page.filter((_, i) => keep[i]).map((slice) => slice.handle);
    if (handles.length === 0) continue;
    // With the pushdown again: a row rewritten since its slice was read must still qualify.
    const kept: KeptRow[] = [];
    for (const rows of scanCatalogKept(sources.catalog, { ...plan.pushdown, handles })) kept.push(...rows);
    yield {
      rows: kept.map((entry) => entry.row),
      loaded: kept.map(({ row, content }) =>
        content === null ? undefined : decodeContent(row.contentType, content),
      ),
    };
  }
}

/** Whether the predicate holds for each context; once `max` have held, the rest are not evaluated. */
async function holds(plan: QueryPlan, contexts: RecordContext[], max: number): Promise<boolean[]> {
  const keep = new Array<boolean>(contexts.length).fill(false);
  let held = 0;
  for (let i = 0; i < contexts.length && held < max; i++) {
    let result = attempt(plan.evaluatePredicate, contexts[i] as RecordContext, false);
    if (result instanceof Promise) result = await result;
    keep[i] = result === true;
    if (keep[i]) held++;
  }
  return keep;
}

/** The content of every candidate: what the predicate loaded, and the rest read now. */
async function completeContents(page: Candidates, sources: QuerySources): Promise<RecordContent[]> {
  const loaded = page.loaded ?? [];
  const missing = page.rows.filter((_, i) => loaded[i] === undefined);
  const read = await readContents(missing, sources);
  let next = 0;
  return page.rows.map((_, i) => loaded[i] ?? (read[next++] as RecordContent));
}

/** Loads the content of matches the predicate did not need it for, where `wanted` asks for it. */
async function fillContent(
  matches: Match[],
  sources: QuerySources,
  wanted: (row: CatalogRow) => boolean,
): Promise<void> {
  const missing = matches.filter((match) => match.loaded === undefined && wanted(match.row));
  const read = await readContents(
    missing.map((match) => match.row),
    sources,
  );
  missing.forEach((match, i) => {
    match.loaded = read[i];
  });
}

/** Each row's decoded content: what the catalog keeps for it, else read. */
async function contentsOf(kept: readonly KeptRow[], sources: QuerySources): Promise<RecordContent[]> {
  const out = new Array<RecordContent>(kept.length);
  const missing: number[] = [];
  kept.forEach(({ row, content }, i) => {
    if (content === null) missing.push(i);
    else out[i] = decodeContent(row.contentType, content);
  });
  const read = await readContents(
    missing.map((i) => (kept[i] as KeptRow).row),
    sources,
  );
  missing.forEach((i, j) => {
    out[i] = read[j] as RecordContent;
  });
  return out;
}

/**
 * Reads the rows' content; the catalog keeps what it may of the repo's own rows' for the next
 * query (docs/architecture.md, "Kept content"). Another namespace's content is never kept: it is
 * read from its datastore each time, as its rows may be stale.
 */
async function readContents(rows: readonly CatalogRow[], sources: QuerySources): Promise<RecordContent[]> {
  const toKeep: KeptRow[] = [];
  const loaded = await loadContents(rows, sources.content, (row, bytes) => {
    if (row.namespace !== sources.ownNamespace) return;
    const content = keptContentOf(row.contentType, row.size, bytes);
    if (content !== null) toKeep.push({ row, content });
  });
  if (toKeep.length > 0) sources.keeper?.keepContent(toKeep);
  return loaded;
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
