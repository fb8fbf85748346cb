import { SwampError } from "../errors.ts";
import { parseModelReference } from "../model-reference.ts";
import type { CatalogFilter, CatalogReader, CatalogRow } from "../ports/catalog.ts";
import type { ContentReader } from "../ports/content-reader.ts";
import { type CelDataRecord, loadContents, toCelRecord } from "./query-record.ts";
import { scanAll } from "./scan-catalog.ts";

/** Runs a nested `data.query(predicate, select?)` over every namespace and returns CEL values. */
export type NestedQuery = (predicate: string, select: string | undefined) => Promise<unknown[]>;

export interface DataFunctionsDeps {
  catalog: CatalogReader;
  content: ContentReader;
  /** The repo's namespace; "" in solo mode. */
  ownNamespace: string;
  query: NestedQuery;
}

/**
 * The `data` receiver of CEL expressions (docs/architecture.md, "Queries"). One instance serves one
 * command: answers are memoised, since a predicate calls the same lookup once per row and the
 * catalog does not change meanwhile.
 */
export class DataFunctions {
  readonly #deps: DataFunctionsDeps;
  readonly #memo = new Map<string, unknown>();

  constructor(deps: DataFunctionsDeps) {
    this.#deps = deps;
  }

  latest(model: string, name: string): Promise<CelDataRecord | null> {
    return this.#remember(["latest", model, name], async () => {
      const rows = this.#routedRows(model, { dataName: name, latestOnly: true });
      return this.#record(newest(rows));
    });
  }

  version(model: string, name: string, version: bigint | number): Promise<CelDataRecord | null> {
    return this.#remember(["version", model, name, String(version)], async () => {
      const rows = this.#routedRows(model, { dataName: name, version: Number(version) });
      return this.#record(newest(rows));
    });
  }

  /** Ascending version numbers (BigInt, as CEL ints). */
  listVersions(model: string, name: string): bigint[] {
    return this.#remember(["listVersions", model, name], () => {
      const versions = new Set(this.#routedRows(model, { dataName: name }).map((row) => row.version));
      return [...versions].sort((a, b) => a - b).map(BigInt);
    });
  }

  /** Own namespace only; the newest version per (modelName, name, stepName). */
  findByTag(key: string, value: string): Promise<CelDataRecord[]> {
    return this.#remember(["findByTag", key, value], () => {
      const rows = scanAll(this.#deps.catalog, { namespace: this.#deps.ownNamespace, tag: { key, value } });
      return this.#records(newestPerName(rows));
    });
  }

  findBySpec(model: string, spec: string): Promise<CelDataRecord[]> {
    return this.#remember(["findBySpec", model, spec], () =>
      this.#records(newestPerName(this.#routedRows(model, { specName: spec }))),
    );
  }

  /** Spans every namespace: no implicit namespace filter. */
  query(predicate: string, select?: string): Promise<unknown[]> {
    return this.#remember(["query", predicate, select ?? ""], () => this.#deps.query(predicate, select));
  }

  #remember<T>(key: string[], compute: () => T): T {
    const id = key.join("\u0000");
    if (this.#memo.has(id)) return this.#memo.get(id) as T;
    const value = compute();
    this.#memo.set(id, value);
    return value;
  }

  /** Rows of `model` routed by its namespace prefix: bare = own, `ns:` = that one, `*:` = any (must be one). */
  #routedRows(reference: string, filter: CatalogFilter): CatalogRow[] {
    const { namespace, model } = parseModelReference(reference);
    const own = this.#deps.ownNamespace;
    const scope = namespace === "*" ? undefined : (namespace ?? own);
    const rows = scanAll(this.#deps.catalog, { ...filter, modelName: model, namespace: scope });
    if (namespace === "*") assertOneNamespace(model, rows);
    return rows;
  }

  async #record(row: CatalogRow | undefined): Promise<CelDataRecord | null> {
    if (row === undefined) return null;
    const [loaded] = await loadContents([row], this.#deps.content);
    return loaded === undefined ? null : toCelRecord(row, loaded);
  }

  async #records(rows: CatalogRow[]): Promise<CelDataRecord[]> {
    const loaded = await loadContents(rows, this.#deps.content);
    return rows.map((row, i) => toCelRecord(row, loaded[i] ?? { attributes: null, content: null }));
  }
}

function assertOneNamespace(model: string, rows: readonly CatalogRow[]): void {
  const namespaces = [...new Set(rows.map((row) => row.namespace))].sort();
  if (namespaces.length <= 1) return;
  const shown = namespaces.map((ns) => (ns === "" ? "(solo)" : ns)).join(", ");
  throw new SwampError(
    "query_failed",
    `Ambiguous: "${model}" exists in namespaces [${shown}], qualify with a namespace prefix (e.g. "${namespaces.at(-1)}:${model}").`,
  );
}

function isNewer(a: CatalogRow, b: CatalogRow): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt > b.createdAt;
  return a.version > b.version;
}

function newest(rows: readonly CatalogRow[]): CatalogRow | undefined {
  let best: CatalogRow | undefined;
  for (const row of rows) if (best === undefined || isNewer(row, best)) best = row;
  return best;
}

/** One row per (modelName, name, stepName), the newest; in order of first appearance. */
function newestPerName(rows: readonly CatalogRow[]): CatalogRow[] {
  const byName = new Map<string, CatalogRow>();
  for (const row of rows) {
    const key = `${row.modelName}\u0000${row.dataName}\u0000${row.stepName}`;
    const seen = byName.get(key);
    if (seen === undefined || isNewer(row, seen)) byName.set(key, row);
  }
  return [...byName.values()];
}
