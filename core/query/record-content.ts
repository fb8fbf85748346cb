/** How a record's content is exposed to CEL (docs/architecture.md, "Queries"). */
export interface RecordContent {
  /** Parsed JSON for JSON records, `{}` otherwise; null when the content is not available here. */
  attributes: unknown;
  /** Parsed JSON (= attributes) for JSON, raw text for text and YAML, "" for binary; null when not available. */
  content: unknown;
}

export type ContentKind = "json" | "text" | "binary";

/** What a record exposes when its bytes do not matter: binary content, or values nobody reads. */
export const EMPTY_CONTENT: RecordContent = Object.freeze({ attributes: Object.freeze({}), content: "" });
const UNAVAILABLE: RecordContent = Object.freeze({ attributes: null, content: null });
const decoder = new TextDecoder();

export function contentKind(contentType: string): ContentKind {
  const base = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (base === "application/json" || base.endsWith("+json")) return "json";
  if (base.startsWith("text/") || base === "application/yaml" || base === "application/x-yaml") return "text";
  if (base.endsWith("+yaml")) return "text";
  return "binary";
}

/** True when the record's exposed values depend on its bytes (binary records expose constants). */
export function needsBytes(contentType: string): boolean {
  return contentKind(contentType) !== "binary";
}

export function decodeContent(contentType: string, bytes: Uint8Array | null): RecordContent {
  const kind = contentKind(contentType);
  if (kind === "binary") return EMPTY_CONTENT;
  if (bytes === null) return UNAVAILABLE;
  const text = decoder.decode(bytes);
  if (kind === "text") return { attributes: {}, content: text };
  try {
    const parsed: unknown = JSON.parse(text);
    return { attributes: parsed, content: parsed };
  } catch {
    // Corrupt JSON still shows as text; predicates on attributes see an empty map.
    return { attributes: {}, content: text };
  }
}
