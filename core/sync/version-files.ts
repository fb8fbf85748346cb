import { parseDataPath } from "../data-path.ts";

/**
 * The data layout as the sync engine sees it (docs/architecture.md, "Versions in the bucket"):
 * files inside `data/{type…}/{modelId}/{name}/{N}/` are immutable version files, written to the
 * store create-only and never overwritten; `data/…/{name}/latest` is derived from the version
 * directories in each cache and never synced.
 */

const VERSION_DIR = /^[1-9]\d{0,15}$/;
export const LATEST_MARKER = "latest";
export const VERSION_METADATA = "metadata.yaml";

export interface VersionFile {
  /** The data name's directory, cache-relative: `data/{type…}/{modelId}/{name}`. */
  nameRel: string;
  version: number;
}

/** Where a cache-relative path sits in a version directory; null for any other path. */
export function parseVersionFile(rel: string): VersionFile | null {
  const ref = parseDataPath(rel);
  if (ref === null) return null;
  const nameRel = `data/${ref.type}/${ref.id}/${ref.name}`;
  const rest = rel.slice(nameRel.length + 1).split("/");
  if (rest.length < 2 || !VERSION_DIR.test(rest[0] ?? "")) return null;
  return { nameRel, version: Number(rest[0]) };
}

/** Whether `rel` is a data name's `latest` marker. */
export function isLatestMarker(rel: string): boolean {
  const ref = parseDataPath(rel);
  return ref !== null && rel === `data/${ref.type}/${ref.id}/${ref.name}/${LATEST_MARKER}`;
}

/** The highest version of each data name among `rels` (index entries or local files). */
export function highestVersions(rels: Iterable<string>): Map<string, number> {
  const highest = new Map<string, number>();
  for (const rel of rels) {
    const file = parseVersionFile(rel);
    if (file && file.version > (highest.get(file.nameRel) ?? 0)) highest.set(file.nameRel, file.version);
  }
  return highest;
}

export interface Renumbering {
  from: number;
  to: number;
}

/**
 * New numbers for a name's pending versions (written here, never committed), in their order,
 * all above `floor` (the highest number anyone else holds) and never lower than they were, so a
 * later write keeps a higher number. Versions already above the floor in order keep theirs.
 * Returned highest first: the order in which directories can be renamed without collisions.
 */
export function planRenumbering(pending: readonly number[], floor: number): Renumbering[] {
  const moves: Renumbering[] = [];
  let previous = floor;
  for (const from of [...pending].sort((a, b) => a - b)) {
    const to = Math.max(from, previous + 1);
    if (to !== from) moves.push({ from, to });
    previous = to;
  }
  return moves.reverse();
}
