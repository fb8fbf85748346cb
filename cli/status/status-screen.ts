import { formatDuration } from "../../core/duration-text.ts";
import { describeCatalogPull, describeLease, describeSync, describeTransfer } from "./lease-text.ts";
import { cut, namespaceLabel, pad, tableHeader, tableRow } from "./namespace-text.ts";
import type { LeaseDoc, NamespaceDoc, StatusSnapshot } from "./status-snapshot.ts";

export type Tone = "plain" | "bold" | "dim" | "green" | "red" | "cyan";

/** A run of text in one style. */
export interface Segment {
  text: string;
  tone: Tone;
}

/** One screen row; `selected` draws it in reverse video. Never wider than the terminal minus one. */
export interface ScreenLine {
  segments: Segment[];
  selected?: boolean;
}

/** The leases of one namespace: its global lease and each per-model lease held in it. */
export interface NamespaceLeases {
  namespace: string;
  global: LeaseDoc;
  models: LeaseDoc[];
  /** They could not be read. */
  error?: string;
}

/** Everything the live view shows, at one moment. */
export interface ScreenState {
  /** The last snapshot; null until the first check ends. */
  snap: StatusSnapshot | null;
  /** What is known without asking the store, shown until the first snapshot. */
  local: { type: string; namespace: string; deadlineMs: number };
  /** Index of the chosen namespace row; null: this repo's own. */
  selected: number | null;
  /** The chosen namespace's leases when it is not this repo's own (those are in `snap.locks`). */
  focus?: NamespaceLeases;
  help: boolean;
  /** The last refresh failed outright (not an unhealthy store: that is in `snap`). */
  error?: string;
}

const KEYS = "↑/k ↓/j choose a namespace · r refresh now · ? hide keys · q quit";

/** "healthy 25 ms", or "unreachable since 12:03:10 (connection refused)". */
export function describeHealth(snap: StatusSnapshot): string {
  if (snap.healthy) return `healthy ${snap.latencyMs} ms`;
  const since = (snap.unreachableSince ?? snap.checkedAt).slice(11, 19);
  return `unreachable since ${since} (${snap.cause ?? snap.message})`;
}

/** The index of the chosen row: `selected` kept within the rows, or this repo's own. */
export function chosenRow(snap: StatusSnapshot | null, selected: number | null): number {
  const rows = snap?.namespaces ?? [];
  if (selected === null)
    return Math.max(
      0,
      rows.findIndex((row) => row.isCurrent),
    );
  return Math.max(0, Math.min(selected, rows.length - 1));
}

/** A terminal's size in characters. */
export interface ScreenSize {
  columns: number;
  rows: number;
}

/**
 * The whole live view for a terminal of `size`: no row reaches the last column, and the lines
 * leave the last row free (a frame as tall as the terminal would scroll). When namespaces and
 * leases do not all fit, the table shows a window around the chosen row and the leases are cut,
 * saying how many more there are. Pure: the same state always draws the same lines.
 */
export function statusScreen(state: ScreenState, size: ScreenSize): ScreenLine[] {
  const parts = state.snap ? snapshotParts(state, state.snap, size.columns) : waitingParts(state);
  const footer: ScreenLine[] = [
    ...(state.error ? [line(`refresh failed: ${state.error}`, "red")] : []),
    state.help
      ? line(KEYS, "dim")
      : line(
          `${state.snap ? `updated ${state.snap.checkedAt.slice(11, 19)} · ` : ""}? keys · r refresh · q quit`,
          "dim",
        ),
  ];
  const room = Math.max(0, size.rows - 1 - parts.head.length - footer.length);
  const { table, tail } = parts;
  const tableRoom = Math.min(table.length, Math.max(Math.min(table.length, 3), room - tail.length));
  const chosen = Math.max(
    0,
    table.findIndex((l) => l.selected),
  );
  const first = Math.max(0, Math.min(chosen - Math.floor(tableRoom / 2), table.length - tableRoom));
  const tailRoom = Math.max(0, room - tableRoom);
  const shownTail =
    tail.length <= tailRoom
      ? tail
      : [
          ...tail.slice(0, Math.max(0, tailRoom - 1)),
          line(
            `    … ${tail.length - Math.max(0, tailRoom - 1)} more lines: a taller terminal shows them`,
            "dim",
          ),
        ].slice(0, tailRoom);
  const lines = [...parts.head, ...table.slice(first, first + tableRoom), ...shownTail, ...footer];
  return lines.map((l) => fit(l, size.columns - 1));
}

/** A screen's lines before they are fitted: the table may be windowed and the tail cut. */
interface Parts {
  head: ScreenLine[];
  table: ScreenLine[];
  tail: ScreenLine[];
}

function waitingParts(state: ScreenState): Parts {
  const { type, namespace, deadlineMs } = state.local;
  const head: ScreenLine[] = [
    {
      segments: [
        { text: "swamp", tone: "bold" },
        { text: ` · ${type} · namespace ${namespace || "(solo)"} · `, tone: "plain" },
        { text: `checking the store (at most ${formatDuration(deadlineMs)})…`, tone: "dim" },
      ],
    },
  ];
  return { head, table: [], tail: [] };
}

function snapshotParts(state: ScreenState, snap: StatusSnapshot, columns: number): Parts {
  const now = Date.parse(snap.checkedAt);
  const where = snap.remote ? snap.remote.store : `${snap.type} ${snap.path ?? ""}`;
  const current = chosenRow(snap, state.selected);
  const head: ScreenLine[] = [
    {
      segments: [
        { text: "swamp", tone: "bold" },
        { text: " · ", tone: "plain" },
        { text: `● ${describeHealth(snap)}`, tone: snap.healthy ? "green" : "red" },
        { text: ` · ${where}`, tone: "plain" },
      ],
    },
    line(tableHeader(columns), "dim"),
  ];
  const table = snap.namespaces.map((row, i) => ({
    ...line(
      tableRow(row, columns, row.isCurrent ? describeSync(snap.remote, now) : describeCatalogPull(row, now)),
    ),
    selected: i === current,
  }));
  const chosen = snap.namespaces[current];
  const tail = chosen ? leaseLines(chosen, leasesOf(chosen, snap, state.focus)) : [];
  const transfer = describeTransfer(snap.remote);
  if (transfer) tail.push(line(`  ${transfer}`, "cyan"));
  if (snap.remote) {
    const pushed = snap.remote.lastPushAt
      ? ` · last push ${formatDuration(now - Date.parse(snap.remote.lastPushAt))} ago`
      : "";
    const pending = snap.remote.pendingBulk ? "full walk" : `${snap.remote.pendingPaths} path(s)`;
    tail.push(line(`  pending push: ${pending}${pushed}`, "dim"));
  }
  return { head, table, tail };
}

/** The chosen row's leases: this repo's own from the snapshot, another's once they were read. */
function leasesOf(
  row: NamespaceDoc,
  snap: StatusSnapshot,
  focus: NamespaceLeases | undefined,
): NamespaceLeases | undefined {
  if (row.isCurrent) {
    // A store that does not answer: its root cause, not the failed request of each lease.
    const unreachable = snap.healthy ? {} : { error: snap.cause ?? snap.message };
    return { namespace: row.namespace, ...snap.locks, ...unreachable };
  }
  return focus?.namespace === row.namespace ? focus : undefined;
}

function leaseLines(row: NamespaceDoc, leases: NamespaceLeases | undefined): ScreenLine[] {
  const title = line(`  LEASES OF ${namespaceLabel(row)}`, "dim");
  if (!leases) return [title, line("    reading…", "dim")];
  const unknown = leases.error ?? leases.global.error;
  if (unknown) return [title, line(`    unknown: ${unknown}`, "red")];
  const width = Math.max(12, ...leases.models.map((m) => (m.lockScope ?? m.key).length + 1));
  return [
    title,
    line(`    ${pad("global", width)}${describeLease(leases.global)}`),
    ...leases.models.map((m) => line(`    ${pad(m.lockScope ?? m.key, width)}${describeLease(m)}`)),
    ...(leases.models.length === 0 ? [line(`    ${pad("models", width)}none held`, "dim")] : []),
  ];
}

function line(text: string, tone: Tone = "plain"): ScreenLine {
  return { segments: [{ text, tone }] };
}

/** `l` on one row of at most `width` characters, the last kept one replaced by `…` when cut. */
function fit(l: ScreenLine, width: number): ScreenLine {
  let room = width;
  const segments: Segment[] = [];
  for (const segment of l.segments) {
    if (room <= 0) break;
    const flat = segment.text.replace(/\s*\n\s*/g, " ");
    const text = flat.length > room ? cut(flat, room) : flat;
    segments.push({ ...segment, text });
    room -= text.length;
  }
  return { ...l, segments };
}
