import { sha256Hex } from "../../adapters/sync/hash-file.ts";

/** Written into a name, it becomes bytes that are not UTF-8 (0xFF 0xFE) in the shard's bytes. */
export const NOT_UTF8 = "~not-utf8~";

/** The bytes of a shard holding `entries` as a broken or hostile client would write them (see NOT_UTF8). */
export function shardBytes(entries: Record<string, unknown>): Uint8Array {
  const parts = JSON.stringify({ version: 1, entries })
    .split(NOT_UTF8)
    .map((part) => new TextEncoder().encode(part));
  const out: number[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(0xff, 0xfe);
    out.push(...part);
  });
  return new Uint8Array(out);
}

/** An index entry describing `body`. */
export function entryFor(body: string, modifiedAt = 0): { size: number; sha256: string; modifiedAt: number } {
  const bytes = new TextEncoder().encode(body);
  return { size: bytes.byteLength, sha256: sha256Hex(bytes), modifiedAt };
}
