import { type ColumnAlign, renderTable } from "../text-table.ts";
import type { DataRecord } from "./query-record.ts";

export const NO_RESULTS = "No matching data found.";

export interface QueryTableOptions {
  /** The limit stopped the query early. */
  limited: boolean;
}

/**
 * The `data query` log-mode table (docs/architecture.md, "Queries") with its footer, or the empty
 * message.
 */
export function renderQueryRecords(records: readonly DataRecord[], options: QueryTableOptions): string {
  if (records.length === 0) return NO_RESULTS;
  const withNamespace = severalNamespaces(records);
  const header = ["name", "modelName", "specName", "dataType", "version", "size"];
  const align: ColumnAlign[] = ["left", "left", "left", "left", "right", "right"];
  const rows = records.map((r) => [
    r.name,
    r.modelName,
    r.specName,
    r.dataType,
    String(r.version),
    String(r.size),
  ]);
  const table = withNamespace
    ? renderTable(
        rows.map((row, i) => [namespaceCell(records[i]?.namespace ?? ""), ...row]),
        { header: ["namespace", ...header], align: ["left", ...align] },
      )
    : renderTable(rows, { header, align });
  return `${table}\n${queryFooter(records.length, options.limited)}`;
}

/** Whether the results come from more than one namespace: then each shows its namespace. */
function severalNamespaces(records: readonly { namespace: string }[]): boolean {
  const first = records[0]?.namespace;
  return records.some((record) => record.namespace !== first);
}

/** Solo mode's namespace ("") as the ambiguity error names it. */
function namespaceCell(namespace: string): string {
  return namespace === "" ? "(solo)" : namespace;
}

export function queryFooter(count: number, limited: boolean): string {
  if (limited) return `Showing ${count} results (limit reached)`;
  return `${count} result${count === 1 ? "" : "s"}`;
}

/**
 * `--select` output (docs/architecture.md, "Queries"); the first non-null value decides the shape:
 * a map prints a table with the keys as headers, a list a headerless table, anything else one value
 * per line.
 */
export function renderSelectResults(values: readonly unknown[]): string {
  if (values.length === 0) return NO_RESULTS;
  const first = values.find((value) => value !== null && value !== undefined);
  if (Array.isArray(first)) {
    return renderTable(values.map((value) => (Array.isArray(value) ? value.map(cell) : [cell(value)])));
  }
  if (isMap(first)) {
    const keys = [...new Set(values.flatMap((value) => (isMap(value) ? Object.keys(value) : [])))];
    const rows = values.map((value) => keys.map((key) => (isMap(value) ? cell(value[key]) : "")));
    return renderTable(rows, { header: keys });
  }
  return values.map(scalarLine).join("\n");
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A table cell: text as is, nested values as inline JSON, a missing key empty. */
function cell(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function scalarLine(value: unknown): string {
  if (typeof value === "object" && value !== null)
    return `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;
  return cell(value ?? null);
}
