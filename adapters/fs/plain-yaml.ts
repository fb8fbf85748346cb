/**
 * `.swamp.yaml` read with Bun's own YAML parser, which costs nothing to load, where the yaml
 * package (kept for edits that must keep comments, and for error positions) costs milliseconds
 * of start-up. The two read plain YAML alike; Bun's lets through what the yaml package refuses or
 * reads otherwise: duplicate keys, `<<` merges, anchors, complex keys, several documents. Such a
 * text, a flow mapping (whose keys the count below cannot see), a parse error or a top level that
 * is not a mapping gives undefined: the caller reads it with the yaml package.
 */
export function parsePlainYamlMapping(text: string): Record<string, unknown> | null | undefined {
  if (/[&*?{]|<<|^(---|\.\.\.)/m.test(text)) return undefined;
  let data: unknown;
  try {
    data = Bun.YAML.parse(text);
  } catch {
    return undefined;
  }
  if (data !== null && (typeof data !== "object" || Array.isArray(data))) return undefined;
  // A duplicate key leaves fewer keys in the result than the text has key lines.
  return keyCount(data) === keyLines(text) ? (data as Record<string, unknown> | null) : undefined;
}

/** Lines that begin a `key:` (after any `- ` of a sequence entry); a block scalar's lines may count too. */
const KEY_LINE = /^\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s#'"-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s|$)/;

function keyLines(text: string): number {
  return text.split("\n").filter((line) => KEY_LINE.test(line)).length;
}

function keyCount(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + keyCount(item), 0);
  if (value === null || typeof value !== "object") return 0;
  return Object.values(value).reduce((n: number, item) => n + 1 + keyCount(item), 0);
}
