import { describeLease } from "./lease-text.ts";
import type { NamespaceDoc } from "./status-snapshot.ts";

/** `infra`, or `(solo)` for solo mode's layout at the datastore root. */
export function namespaceLabel(row: NamespaceDoc): string {
  return row.namespace === "" ? "(solo)" : row.namespace;
}

/** Who owns it, from the manifest, or what is wrong with the manifest. */
export function describeOwner(row: NamespaceDoc): string {
  if (row.problem) return row.problem;
  if (row.state === "solo") return row.repoId ? `repo ${row.repoId}` : "solo layout at the datastore root";
  return `repo ${row.repoId} · registered ${row.registeredAt.slice(0, 10)}`;
}

/** One line per namespace for the plain-text status; `▸` marks this repo's own. */
export function namespaceLines(rows: readonly NamespaceDoc[]): string[] {
  const width = Math.max(...rows.map((row) => namespaceLabel(row).length));
  return rows.map(
    (row) =>
      `    ${row.isCurrent ? "▸" : " "} ${namespaceLabel(row).padEnd(width)}  ${describeOwner(row)} · lease ${describeLease(row.lease)}${row.catalogPulledAt ? ` · catalog pulled ${row.catalogPulledAt}` : ""}`,
  );
}

/** `s` in a column of `n` characters, one space before the next; cut with `…` when too long. */
export function pad(s: string, n: number): string {
  return s.length >= n ? `${s.slice(0, n - 2)}… ` : s.padEnd(n);
}

interface Widths {
  namespace: number;
  repo: number;
  registered: number;
  lease: number;
}

/**
 * NAMESPACE, REPO and REGISTERED are fixed; LEASE and SYNC share the rest of a `columns` wide
 * terminal, so a line never reaches its last column (which wraps on some terminals) from 40 up.
 */
function columnWidths(columns: number): Widths & { sync: number } {
  const fixed = { namespace: 12, repo: 10, registered: 11 };
  const rest = Math.max(40, columns) - 2 - 1 - fixed.namespace - fixed.repo - fixed.registered;
  const sync = Math.min(26, Math.floor(rest * 0.45));
  return { ...fixed, lease: rest - sync, sync };
}

/** The live view's column titles. */
export function tableHeader(columns: number): string {
  const w = columnWidths(columns);
  return `  ${pad("NAMESPACE", w.namespace)}${pad("REPO", w.repo)}${pad("REGISTERED", w.registered)}${pad("LEASE", w.lease)}${cut("SYNC", w.sync)}`;
}

/** One namespace in the live view; `▸` marks this repo's own. */
export function tableRow(row: NamespaceDoc, columns: number, sync: string): string {
  const w = columnWidths(columns);
  const owner = row.problem
    ? pad(row.problem, w.repo + w.registered)
    : `${pad(row.repoId || "—", w.repo)}${pad(row.registeredAt.slice(0, 10) || "—", w.registered)}`;
  return `${row.isCurrent ? "▸ " : "  "}${pad(namespaceLabel(row), w.namespace)}${owner}${pad(describeLease(row.lease), w.lease)}${cut(sync, w.sync)}`;
}

function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
