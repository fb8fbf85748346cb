import type { CatalogRow } from "./catalog.ts";

/** Reads the raw content of the data version a catalog row points at. */
export interface ContentReader {
  /** The bytes, or null when the content is not available here (missing, not hydrated, not fetched). */
  read(row: CatalogRow): Promise<Uint8Array | null>;
}
