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
export const VERSION_CONTENT = "raw";

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

/**
 * The version's metadata when `rel` is a version's content (`…/{name}/{N}/raw`), the file a lazy
 * cache leaves in the store (docs/architecture.md, "Lazy hydration"); null for any other path.
 */
export function contentMetadataOf(rel: string): string | null {
  const file = parseVersionFile(rel);
  if (file === null || rel !== `${file.nameRel}/${file.version}/${VERSION_CONTENT}`) return null;
  return `${file.nameRel}/${file.version}/${VERSION_METADATA}`;
}

/** Whether `rel` is a data name's `latest` marker. */
export function isLatestMarker(rel: string): boolean {
  if (!rel.endsWith(`/${LATEST_MARKER}`)) return false;
  const ref = parseDataPath(rel);
  return ref !== null && rel === `data/${ref.type}/${ref.id}/${ref.name}/${LATEST_MARKER}`;
}

/** The version numbers of each data name among `rels` (index entries or local files). */
export function heldVersions(rels: Iterable<string>): Map<string, Set<number>> {
  const held = new Map<string, Set<number>>();
  for (const rel of rels) {
    const file = parseVersionFile(rel);
    if (file) held.set(file.nameRel, (held.get(file.nameRel) ?? new Set()).add(file.version));
  }
  return held;
}

export interface Renumbering {
  from: number;
  to: number;
}

export interface LocalVersion {
  version: number;
  /** Its metadata matches an index entry: committed, or found in the store by a discovery. */
  settled: boolean;
}

/**
 * The moves that rebase a name's local versions (docs/architecture.md, "Pending versions") above
 * `floor` (the highest number held elsewhere); `held` are the numbers others hold. A pending
 * version below a settled one of this clone, at a number nobody else holds, keeps it: its own
 * push died half-way (the later version reached the store, this one did not), and moving it up
 * would put an older write above a newer one.
 */
export function planRebase(
  local: readonly LocalVersion[],
  held: ReadonlySet<number>,
  floor: number,
): Renumbering[] {
  const settledTop = Math.max(0, ...local.filter((v) => v.settled).map((v) => v.version));
  const moving = local.filter((v) => !v.settled && (v.version > settledTop || held.has(v.version)));
  return planRenumbering(
    moving.map((v) => v.version),
    Math.max(floor, settledTop),
  );
}

/**
 * New numbers for a name's pending versions (written here, never committed), in their order,
 * all above `floor` (the highest number anyone else holds) and never lower than they were, so a
 * later write keeps a higher number. Versions already above the floor in order keep theirs.
 * Returned highest first: the order in which directories can be renamed without collisions.
 */
function planRenumbering(pending: readonly number[], floor: number): Renumbering[] {
  const moves: Renumbering[] = [];
  let previous = floor;
  for (const from of [...pending].sort((a, b) => a - b)) {
    const to = Math.max(from, previous + 1);
    if (to !== from) moves.push({ from, to });
    previous = to;
  }
  return moves.reverse();
}
