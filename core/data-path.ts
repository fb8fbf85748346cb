import type { DataNameKey } from "./data-record.ts";

/** Model ids are UUIDs; finding one is how a path's variable-length type part ends. */
export const MODEL_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `data/{type…}/{modelId}/{name}/…` → the data name it belongs to; null for any other path. */
export function parseDataPath(rel: string): DataNameKey | null {
  const segments = rel.split("/");
  if (segments[0] !== "data") return null;
  const idAt = segments.findIndex((segment, i) => i >= 2 && MODEL_ID_PATTERN.test(segment));
  const name = segments[idAt + 1];
  if (idAt === -1 || name === undefined || name === "") return null;
  return { type: segments.slice(1, idAt).join("/"), id: segments[idAt] as string, name };
}
