import { contentKind } from "./record-content.ts";

/**
 * The largest content the catalog keeps beside its row (docs/architecture.md, "Kept content"). A
 * row of the catalog file with this much content still fits in one 4 KiB page (no overflow page
 * to read), and small JSON records, the ones queries read attributes of, fit well within it.
 */
export const KEPT_CONTENT_MAX_BYTES = 3800;

/**
 * The bytes the catalog keeps for a version of `size` bytes (its metadata's), or null when it keeps
 * none: binary content (queries never read it) and content larger than KEPT_CONTENT_MAX_BYTES are
 * read from the data instead, and bytes of another length than the version's are not what it
 * wrote (a file changed behind swamp's back), so they are answered but never kept.
 */
export function keptContentOf(
  contentType: string,
  size: number,
  bytes: Uint8Array | null,
): Uint8Array | null {
  if (bytes === null || bytes.length > KEPT_CONTENT_MAX_BYTES || bytes.length !== size) return null;
  return contentKind(contentType) === "binary" ? null : bytes;
}
