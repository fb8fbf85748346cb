/**
 * The text of metadata.yaml. It is written as pretty-printed JSON, which is YAML too (a flow
 * mapping), so every YAML tool still reads it; `JSON.parse` reads it several times faster than a
 * YAML parser, which is most of a 100k-version catalog backfill. Files in block YAML (written by the
 * reference implementation, older builds or by hand) are read with the YAML parser.
 */

/** Characters strict YAML parsers reject or read as line breaks (DEL, C1 controls, U+2028/9, non-characters). */
const NOT_YAML_SAFE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

export function formatMetadata(meta: object): string {
  return `${JSON.stringify(meta, null, 2).replace(NOT_YAML_SAFE, unicodeEscape)}\n`;
}

export function parseMetadataText(text: string): unknown {
  if (text.trimStart().startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch {
      // A YAML flow mapping that is not JSON (hand-written, unquoted keys): the YAML parser reads it.
    }
  }
  return Bun.YAML.parse(text);
}
