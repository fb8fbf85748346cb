import type { DataNameKey } from "../../core/data-record.ts";

/**
 * The change log's text and the rules for reading it, without I/O. The file is a header line
 * `{"swampChangeLog":1,"id":"<uuid>"}` followed by one JSON line `["<type>","<modelId>","<name>"]`
 * per changed data name. JSON keeps any name unambiguous and makes a torn line fail to parse.
 */

const FORMAT = 1;
const NEWLINE = 0x0a;

export function formatHeader(id: string): string {
  return `${JSON.stringify({ swampChangeLog: FORMAT, id })}\n`;
}

/** The log's id from its header line, or null when the line is not a header of this format. */
export function parseHeader(line: string): string | null {
  try {
    const header = JSON.parse(line) as { swampChangeLog?: unknown; id?: unknown } | null;
    return header?.swampChangeLog === FORMAT && typeof header.id === "string" && header.id !== ""
      ? header.id
      : null;
  } catch {
    return null;
  }
}

export function formatNames(names: Iterable<DataNameKey>): string {
  let text = "";
  for (const n of names) text += `${JSON.stringify([n.type, n.id, n.name])}\n`;
  return text;
}

/** The names on the lines of `text` (complete lines only), each once; null when any line is damaged. */
export function parseNames(text: string): DataNameKey[] | null {
  const names = new Map<string, DataNameKey>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let fields: unknown;
    try {
      fields = JSON.parse(line);
    } catch {
      return null;
    }
    if (
      !Array.isArray(fields) ||
      fields.length !== 3 ||
      !fields.every((f) => typeof f === "string" && f !== "")
    )
      return null;
    const [type, id, name] = fields as [string, string, string];
    names.set(JSON.stringify(fields), { type, id, name });
  }
  return [...names.values()];
}

/** Bytes up to and including the last newline: a line still being written (or torn by a crash) waits. */
export function completeLength(bytes: Uint8Array): number {
  return bytes.lastIndexOf(NEWLINE) + 1;
}

/** Where a reader has read a log to. Kept by each catalog, as `encodeCursor` text. */
export interface LogCursor {
  /** The header's id: a log replaced by another one has a new id. */
  id: string;
  /** Bytes read, the header included. */
  offset: number;
  /** The file's `stamp` when `offset` was its end; "" when it had grown meanwhile, so the next read looks. */
  stamp: string;
}

export function encodeCursor(cursor: LogCursor): string {
  return JSON.stringify(cursor);
}

/** The cursor in `text`; null when there is none or it is not one (the reader then starts over). */
export function decodeCursor(text: string | null): LogCursor | null {
  if (text === null) return null;
  try {
    const c = JSON.parse(text) as Partial<LogCursor> | null;
    const valid =
      typeof c?.id === "string" &&
      typeof c.stamp === "string" &&
      typeof c.offset === "number" &&
      Number.isSafeInteger(c.offset) &&
      c.offset >= 0;
    return valid ? (c as LogCursor) : null;
  } catch {
    return null;
  }
}

/** What one `stat` tells of the file: any append or replacement changes it. */
export function stampOf(stats: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

/** The fast path: the file is exactly as the reader left it. */
export function isUnchanged(cursor: LogCursor | null, stamp: string): boolean {
  return cursor !== null && cursor.stamp !== "" && cursor.stamp === stamp;
}

/**
 * Once the header is read: go on from the cursor in the same log, or, when the reader never read
 * this log (new, replaced, or shorter than what was read), read it all and rebuild.
 */
export function planRead(
  cursor: LogCursor | null,
  log: { id: string; headerEnd: number; size: number },
): { kind: "tail" | "rebuild"; from: number } {
  const sameLog =
    cursor !== null && cursor.id === log.id && cursor.offset >= log.headerEnd && cursor.offset <= log.size;
  return sameLog ? { kind: "tail", from: cursor.offset } : { kind: "rebuild", from: log.headerEnd };
}
