import { namespaceOfKey } from "../namespace-manifest.ts";
import { isLatestMarker } from "./version-files.ts";

/**
 * Which cache-relative paths may cross between the cache and the bucket. Every remote key and
 * index entry is checked here before anything is written locally, and every local file before
 * it is uploaded (docs/architecture.md, "Which files sync").
 */

/** Where the sync engine keeps its own files when they sit inside the cache; never synced. */
export const SYNC_STATE_DIRNAME = ".swamp-sync";
/** The log of changed data names beside the data, followed by every catalog on this disk; never synced. */
export const CHANGE_LOG_FILENAME = ".swamp-changes.log";

const INTERNAL_ROOT_FILES: ReadonlySet<string> = new Set([
  ".datastore-index.json",
  ".push-queue.json",
  ".datastore.lock",
  ".datastore-sync-state.json",
  CHANGE_LOG_FILENAME,
]);
const INTERNAL_ROOT_DIRS: ReadonlySet<string> = new Set(["_index", "_control", ".locks", SYNC_STATE_DIRNAME]);
const INTERNAL_BASENAMES: ReadonlySet<string> = new Set([".lock", ".namespace.json", "_catalog.db"]);
// Atomic writes stage in `.<uuid>.tmp` files and dirs; the fs store's key mutexes end in `.mutex`.
const INTERNAL_SUFFIXES = [".tmp", ".mutex"];

export const INTERNAL_FILE = "internal file (never synced)";

/** The longest file or folder name common filesystems hold (NAME_MAX), in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;

/** Null when `rel` is a safe, syncable cache-relative path; otherwise why it is refused. */
export function checkRemoteRel(rel: string): string | null {
  if (rel === "") return "empty path";
  if (rel.includes("\0")) return "contains a NUL byte";
  if (rel.includes("\\")) return "contains a backslash";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0001-\u001f\u007f]/.test(rel)) return "contains a control character";
  if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel)) return "absolute path";
  // A lone surrogate has no UTF-8 form: no file name can spell it, and it would be written as U+FFFD.
  if (/\p{Surrogate}/u.test(rel))
    return "not valid Unicode (a lone surrogate), so no file can have this name";
  const segments = rel.split("/");
  for (const segment of segments) {
    if (segment === "") return "empty path segment";
    if (segment === "..") return "'..' path segment (would leave the cache)";
    if (segment === ".") return "'.' path segment";
    const bytes = utf8Length(segment);
    if (bytes > MAX_SEGMENT_BYTES) {
      return `a path segment of ${bytes} bytes (a file name holds at most ${MAX_SEGMENT_BYTES})`;
    }
  }
  return isInternal(segments) || isLatestMarker(rel) ? INTERNAL_FILE : null;
}

function isInternal(segments: string[]): boolean {
  const first = segments[0] ?? "";
  const base = segments[segments.length - 1] ?? "";
  if (segments.length === 1 && INTERNAL_ROOT_FILES.has(first)) return true;
  if (INTERNAL_ROOT_DIRS.has(first)) return true;
  if (INTERNAL_BASENAMES.has(base) || base.startsWith("_catalog.db-")) return true;
  return segments.some((segment) => INTERNAL_SUFFIXES.some((suffix) => segment.endsWith(suffix)));
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * What one engine syncs: a namespace's own tree (remote prefix `{ns}/`), or solo mode's, the root,
 * which a namespace's folder never belongs to.
 */
export type SyncScope = "solo" | "namespace";

export function scopeOf(remotePrefix: string): SyncScope {
  return remotePrefix === "" ? "solo" : "namespace";
}

export const NAMESPACE_FILE = "in a namespace's folder (solo mode never syncs it)";

/**
 * `checkRemoteRel` within a scope: in solo mode, a path whose top-level folder can be a namespace
 * (core/namespace-manifest.ts) is that namespace's, in the store as in the cache (whose
 * `{cache}/{ns}/` is the namespace's cache), and is never synced (docs/architecture.md, "Which
 * files sync").
 */
export function checkScopedRel(rel: string, scope: SyncScope): string | null {
  return checkRemoteRel(rel) ?? (outOfScope(rel, scope) ? NAMESPACE_FILE : null);
}

/** Whether a (safe) path lies outside `scope`: in solo mode, under a folder that can be a namespace. */
export function outOfScope(rel: string, scope: SyncScope): boolean {
  return scope === "solo" && namespaceOfKey(rel) !== null;
}

/** Whether a refusal only says the path is not this engine's to sync: left out quietly, never reported. */
export function leftOutQuietly(reason: string | null): boolean {
  return reason === INTERNAL_FILE || reason === NAMESPACE_FILE;
}

/** Whether `rel` is `path` itself or lies under it. */
export function isUnder(rel: string, path: string): boolean {
  return rel === path || rel.startsWith(`${path}/`);
}
