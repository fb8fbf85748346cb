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
  sync: number;
}

/**
 * Column widths for a `columns` wide terminal. A line never reaches the last column (which wraps
 * on some terminals) from 40 up; wide terminals get longer names, the whole repo id, more lease.
 */
function columnWidths(columns: number): Widths {
  const usable = Math.max(40, columns) - 1;
  const wide = usable >= 150;
  const namespace = wide ? 40 : 12;
  const repo = wide ? 38 : usable >= 110 ? 20 : 10;
  const registered = 11;
  const rest = usable - 2 - namespace - repo - registered;
  const sync = Math.min(32, Math.floor(rest * 0.45));
  return { namespace, repo, registered, lease: rest - sync, sync };
}

/** The live view's column titles. */
export function tableHeader(columns: number): string {
  const w = columnWidths(columns);
  return `  ${pad("NAMESPACE", w.namespace)}${pad("REPO", w.repo)}${pad("REGISTERED", w.registered)}${pad("LEASE", w.lease)}${cut("SYNC", w.sync)}`;
}

/** One namespace in the live view; `▸` marks this repo's own. A lease that could not be read is `unknown`. */
export function tableRow(row: NamespaceDoc, columns: number, sync: string): string {
  const w = columnWidths(columns);
  const owner = row.problem
    ? pad(row.problem, w.repo + w.registered)
    : `${pad(row.repoId || "—", w.repo)}${pad(row.registeredAt.slice(0, 10) || "—", w.registered)}`;
  const lease = row.lease.error ? "unknown" : describeLease(row.lease);
  return `${row.isCurrent ? "▸ " : "  "}${pad(namespaceLabel(row), w.namespace)}${owner}${pad(lease, w.lease)}${cut(sync, w.sync)}`;
}

/** `s` cut to at most `n` characters, ending in `…` when it was longer. */
export function cut(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, Math.max(0, n - 1))}…` : s;
}
