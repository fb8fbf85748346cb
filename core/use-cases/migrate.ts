import { parseDataPath } from "../data-path.ts";
import type { DataNameKey } from "../data-record.ts";
import type { FileDigest, FileTree } from "../ports/file-tree.ts";
import type { SyncProgress } from "../ports/sync-service.ts";
import { slidingWindow } from "../sliding-window.ts";
import { isLatestMarker } from "../sync/version-files.ts";
import type { HeldLease } from "./model-leases.ts";

/**
 * The migration engine of `datastore setup` and `datastore namespace migrate` (docs/architecture.md,
 * "Migration"): folders moved into others, whether the destination is a folder used in place, a
 * bucket's cache, or the same datastore under (or out of) a namespace. Copy (never overwriting), verify, fence, commit; re-running completes a move that was
 * interrupted, and `planMigration` says what a move would do without writing.
 */

/** Files copied, digested or marked at once (disk, not network). */
const FILES_AT_ONCE = 16;

/** Never migrated: the repo-local catalog, crash leftovers, and lease objects. */
export function isInternalFile(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  return (
    base.startsWith("_catalog.db") || base.endsWith(".tmp") || base.endsWith(".mutex") || base === ".lock"
  );
}

/** One datastore subdirectory to move: its folder at the source and at the destination. */
export interface MigrationDir {
  sub: string;
  source: FileTree;
  destination: FileTree;
}

/** What moving one subdirectory does, file by file (paths relative to the subdirectory). */
export interface MigrationDirPlan {
  sub: string;
  /** Every file of the source folder, internal files left out. */
  files: string[];
  /** Their bytes, together. */
  bytes: number;
  /** Not at the destination yet: copied. */
  copy: string[];
  /** At the destination with the same bytes (a move that was interrupted): kept. */
  present: string[];
  /** At the destination with other bytes: never overwritten, and the move is not committed. */
  conflicts: string[];
  /** `latest` markers that differ: derived, so rewritten after the move, never a conflict. */
  markers: string[];
}

export interface MigrationPlan {
  /** The subdirectories with files to move, in order. */
  dirs: MigrationDirPlan[];
}

/** Why a move is not committed; the caller words it (where the destination is). */
export type MigrationProblem =
  | { kind: "conflict"; sub: string; path: string }
  /** After the copy, `landed` of the source's `files` are at the destination byte for byte. */
  | { kind: "not_landed"; sub: string; files: number; landed: number; missing: string[] };

export interface MigrateDeps {
  /** The lease the move runs under: checked before each folder is copied and before the commit. */
  lease: HeldLease;
  /** Fencing before the commit, against the store holding the lease (docs/architecture.md, "Leases"). */
  fence?: () => Promise<void>;
}

export interface MigrateOptions {
  dirs: readonly MigrationDir[];
  /** Runs once everything is copied and verified, whatever was found (a bucket's push). */
  beforeCommit?: () => Promise<void>;
  /** Points the repo at the destination (rewrites `.swamp.yaml`): the commit. */
  switchTo: () => Promise<void>;
  /** Whether the moved files leave the source once the repo points at the destination. */
  removeSource: boolean;
  /** Tells the datastores' change logs which data names moved (after the commit). */
  announce: (names: DataNameKey[]) => Promise<void>;
  /** The copy of each folder, file by file (phase `copy`), with bytes. */
  onProgress?: (progress: SyncProgress) => void;
}

export interface MigrationResult {
  /** Files this run wrote at the destination, and their bytes. */
  filesCopied: number;
  bytesCopied: number;
  /** Subdirectories that had files to move. */
  migrated: string[];
  problems: MigrationProblem[];
  /** The repo points at the destination (no problem, lease held). */
  committed: boolean;
}

/** What moving `dirs` would copy, keep and refuse; reads only. */
export async function planMigration(dirs: readonly MigrationDir[]): Promise<MigrationPlan> {
  const plans: MigrationDirPlan[] = [];
  for (const dir of dirs) {
    const files = await dir.source.list(isInternalFile);
    if (files.length > 0) plans.push((await planDir(dir, files)).plan);
  }
  return { dirs: plans };
}

/**
 * Moves `dirs` (docs/architecture.md, "Migration"): for each folder, copies every file the
 * destination lacks (never replacing one), rewrites the `latest` markers of the names moved, and
 * verifies that every file landed byte for byte. Then `beforeCommit`; then, when nothing went
 * wrong and the lease is still held (and fenced), the commit: the repo is switched, the source
 * emptied, the move announced. Nothing at the source is removed before the switch, so running it
 * again after an interruption completes the move.
 */
export async function migrate(deps: MigrateDeps, options: MigrateOptions): Promise<MigrationResult> {
  const result: MigrationResult = {
    filesCopied: 0,
    bytesCopied: 0,
    migrated: [],
    problems: [],
    committed: false,
  };
  const moved: { dir: MigrationDir; files: string[] }[] = [];
  for (const dir of options.dirs) {
    const files = await dir.source.list(isInternalFile);
    if (files.length === 0) continue;
    deps.lease.assertHeld();
    const { plan, digests } = await planDir(dir, files);
    const conflicts = [...plan.conflicts];
    const progress = copyProgress(plan.copy, digests, options.onProgress);
    await slidingWindow(plan.copy, FILES_AT_ONCE, async (path) => {
      const copied = await dir.destination.copyFrom(dir.source, path);
      progress(path);
      if (copied) {
        result.filesCopied++;
        result.bytesCopied += digests.get(path)?.size ?? 0;
        return;
      }
      // Written meanwhile: the same bytes are fine, other bytes a conflict, as in the plan.
      if (!sameBytes(digests.get(path), await dir.destination.digest(path)) && !isMarker(dir.sub, path))
        conflicts.push(path);
    });
    conflicts.sort();
    // Data names only live in `data/`, so the folder is the data root whenever there are any.
    await slidingWindow(dataNamesOf(dir.sub, files), FILES_AT_ONCE, (ref) =>
      dir.destination.refreshLatestMarker(`${ref.type}/${ref.id}/${ref.name}`),
    );
    for (const path of conflicts) result.problems.push({ kind: "conflict", sub: dir.sub, path });
    const missing = await notLanded(dir, files, digests, new Set(conflicts));
    if (missing.length > 0) {
      result.problems.push({
        kind: "not_landed",
        sub: dir.sub,
        files: files.length,
        landed: files.length - missing.length,
        missing,
      });
    }
    result.migrated.push(dir.sub);
    moved.push({ dir, files });
  }
  await options.beforeCommit?.();
  if (result.problems.length > 0) return result;

  deps.lease.assertHeld();
  await deps.fence?.();
  await options.switchTo();
  if (options.removeSource) for (const m of moved) await m.dir.source.remove(m.files);
  await options.announce(movedDataNames(moved.map((m) => ({ sub: m.dir.sub, files: m.files }))));
  result.committed = true;
  return result;
}

/** Reports each file of a folder's copy as it is done, with the bytes so far of those it copies. */
function copyProgress(
  paths: readonly string[],
  digests: ReadonlyMap<string, FileDigest | null>,
  onProgress: ((progress: SyncProgress) => void) | undefined,
): (path: string) => void {
  const sizeOf = (path: string) => digests.get(path)?.size ?? 0;
  const bytesTotal = paths.reduce((sum, path) => sum + sizeOf(path), 0);
  let done = 0;
  let bytes = 0;
  return (path) => {
    bytes += sizeOf(path);
    onProgress?.({ phase: "copy", done: ++done, total: paths.length, bytes, bytesTotal });
  };
}

/** The data names among the moved files, each once: what the datastores' change logs must hear about. */
export function movedDataNames(moved: readonly { sub: string; files: readonly string[] }[]): DataNameKey[] {
  const names = new Map<string, DataNameKey>();
  for (const { sub, files } of moved) {
    for (const ref of dataNamesOf(sub, files)) names.set(`${ref.type}/${ref.id}/${ref.name}`, ref);
  }
  return [...names.values()];
}

function dataNamesOf(sub: string, files: readonly string[]): DataNameKey[] {
  const names = new Map<string, DataNameKey>();
  for (const file of files) {
    const ref = parseDataPath(`${sub}/${file}`);
    if (ref) names.set(`${ref.type}/${ref.id}/${ref.name}`, ref);
  }
  return [...names.values()];
}

const isMarker = (sub: string, path: string) => isLatestMarker(`${sub}/${path}`);

function sameBytes(a: FileDigest | null | undefined, b: FileDigest | null | undefined): boolean {
  return !!a && !!b && a.size === b.size && a.sha256 === b.sha256;
}

async function planDir(
  dir: MigrationDir,
  files: string[],
): Promise<{ plan: MigrationDirPlan; digests: Map<string, FileDigest | null> }> {
  const plan: MigrationDirPlan = {
    sub: dir.sub,
    files,
    bytes: 0,
    copy: [],
    present: [],
    conflicts: [],
    markers: [],
  };
  const digests = new Map<string, FileDigest | null>();
  const found = new Map<string, FileDigest | null>();
  await slidingWindow(files, FILES_AT_ONCE, async (path) => {
    const [source, there] = await Promise.all([dir.source.digest(path), dir.destination.digest(path)]);
    digests.set(path, source);
    found.set(path, there);
  });
  // In the listing's order, whatever order the digests came back in.
  for (const path of files) {
    const source = digests.get(path) ?? null;
    const there = found.get(path) ?? null;
    plan.bytes += source?.size ?? 0;
    if (there === null) plan.copy.push(path);
    else if (sameBytes(source, there)) plan.present.push(path);
    else if (isMarker(dir.sub, path)) plan.markers.push(path);
    else plan.conflicts.push(path);
  }
  return { plan, digests };
}

/**
 * The files that are not at the destination byte for byte after the copy. Conflicts are reported
 * on their own, and markers are rewritten from the version folders: neither is counted here.
 */
async function notLanded(
  dir: MigrationDir,
  files: readonly string[],
  digests: ReadonlyMap<string, FileDigest | null>,
  conflicts: ReadonlySet<string>,
): Promise<string[]> {
  const landed = new Set<string>();
  const checked = files.filter((path) => !conflicts.has(path) && !isMarker(dir.sub, path));
  await slidingWindow(checked, FILES_AT_ONCE, async (path) => {
    if (sameBytes(digests.get(path), await dir.destination.digest(path))) landed.add(path);
  });
  return checked.filter((path) => !landed.has(path));
}
