import type { DataNameKey } from "../data-record.ts";
import { SwampError } from "../errors.ts";
import { isNamespaceSlug } from "../namespace.ts";
import type { FileTree } from "../ports/file-tree.ts";
import type { SyncProgress } from "../ports/sync-service.ts";
import { isLatestMarker } from "../sync/version-files.ts";
import {
  isInternalFile,
  type MigrateDeps,
  type MigrationDir,
  type MigrationPlan,
  type MigrationResult,
  migrate,
  planMigration,
} from "./migrate.ts";

/**
 * `datastore namespace migrate` (docs/architecture.md, "Migration"): the datastore's subdirectories
 * moved from the solo layout `{base}/{sub}` to `{base}/{ns}/{sub}` (or back, `reverse`) with the
 * migration engine, after refusing what would mix data: another namespace's folders in a bucket's
 * cache, files at the destination with other bytes, and for the reverse a solo layout that holds
 * data of its own.
 */

export const NO_NAMESPACE_CONFIGURED =
  "No namespace is configured. Run 'swamp datastore namespace set <slug>' first.";

/** The move: which namespace, which way, which subdirectories, over which folders. */
export interface NamespaceMove {
  /** The repo's namespace; empty (solo mode) is refused. */
  namespace: string;
  /** Out of the namespace back to the solo layout. */
  reverse: boolean;
  /** The datastore subdirectories that may hold data (the effective ones, in order). */
  subdirs: readonly string[];
  /** The folder `{base}/{rel}`; `""` is the base itself. */
  tree(rel: string): FileTree;
  /** The base is a bucket's cache: a folder of another namespace there refuses the forward move. */
  refuseOtherNamespaces: boolean;
}

/** The hooks of one confirmed move; the engine's own steps run between them. */
export interface NamespaceMoveSteps {
  /** Once the move is known to be allowed, before the first file is written (marking a cache dirty). */
  beforeCopy?: () => Promise<void>;
  /** Once everything is copied and verified (a bucket's push). */
  beforeCommit?: () => Promise<void>;
  /** The commit: what the repo's configuration must say after the move (nothing, or no namespace). */
  commit: () => Promise<void>;
  /** Tells the change logs which data names moved. */
  announce: (names: DataNameKey[]) => Promise<void>;
  /** After the commit, and when there was nothing left to move: the catalog, the manifest. */
  afterCommit: () => Promise<void>;
  /** The copy, file by file (see `migrate`). */
  onProgress?: (progress: SyncProgress) => void;
}

/** Each subdirectory's folder on both sides, source first. */
export function namespaceMigrationDirs(move: NamespaceMove): MigrationDir[] {
  if (move.namespace === "") throw new SwampError("validation_failed", NO_NAMESPACE_CONFIGURED);
  return move.subdirs.map((sub) => {
    const solo = move.tree(sub);
    const namespaced = move.tree(`${move.namespace}/${sub}`);
    return move.reverse
      ? { sub, source: namespaced, destination: solo }
      : { sub, source: solo, destination: namespaced };
  });
}

/**
 * What the move would do, after its refusals (each a SwampError naming what to do); reads only.
 * Nothing is written when it throws.
 */
export async function planNamespaceMove(move: NamespaceMove): Promise<MigrationPlan> {
  const dirs = namespaceMigrationDirs(move);
  if (!move.reverse && move.refuseOtherNamespaces) await refuseOtherNamespaces(move);
  if (move.reverse) for (const dir of dirs) await refuseOccupiedSolo(dir);
  const plan = await planMigration(dirs);
  refuseConflicts(plan, dirs);
  return plan;
}

/**
 * Plans (refusing as `planNamespaceMove` does), then moves with the engine: copy, verify,
 * `beforeCommit`, fence, commit, remove the source, announce; then `afterCommit`. Re-running
 * after an interruption completes the move; with nothing left to move it still commits and runs
 * `afterCommit`, so a run killed after its commit is finished too.
 */
export async function migrateNamespace(
  deps: MigrateDeps,
  move: NamespaceMove,
  steps: NamespaceMoveSteps,
): Promise<{ plan: MigrationPlan; result: MigrationResult }> {
  const plan = await planNamespaceMove(move);
  if (plan.dirs.length > 0) await steps.beforeCopy?.();
  const result = await migrate(deps, {
    dirs: namespaceMigrationDirs(move),
    ...(plan.dirs.length > 0 && steps.beforeCommit ? { beforeCommit: steps.beforeCommit } : {}),
    switchTo: steps.commit,
    removeSource: true,
    announce: steps.announce,
    ...(steps.onProgress ? { onProgress: steps.onProgress } : {}),
  });
  if (result.committed) await steps.afterCommit();
  return { plan, result };
}

/** A bucket's cache holding another namespace's folder was filled by a solo-mode pull of a shared bucket. */
async function refuseOtherNamespaces(move: NamespaceMove): Promise<void> {
  const base = move.tree("");
  const others = new Set<string>();
  const files = await base.list((path) => {
    const slash = path.indexOf("/");
    const top = slash < 0 ? path : path.slice(0, slash);
    return top === move.namespace || !isNamespaceSlug(top) || isInternalFile(path);
  });
  for (const file of files) if (file.includes("/")) others.add(file.slice(0, file.indexOf("/")));
  if (others.size === 0) return;
  const list = [...others].sort();
  throw new SwampError(
    "validation_failed",
    `Local cache contains data from other namespaces: ${list.join(", ")} (in ${base.location}). A pull in solo mode brought them from the shared bucket, and migrating now would mix them with this repo's data. Nothing was moved. They stay in the bucket: delete those folders from the cache (${list.map((ns) => `${base.location}/${ns}`).join(", ")}), then run 'swamp datastore namespace migrate' again.`,
  );
}

/**
 * The solo layout must not hold data of its own before a reverse move. When some of the
 * namespace's files are there already with the same bytes, a reverse move was interrupted (its
 * files carry model ids, so their paths do not occur by chance), and the first run found the solo
 * layout empty: what is there is its copies, also those whose source it removed after its commit.
 * `latest` markers are derived and never count.
 */
async function refuseOccupiedSolo(dir: MigrationDir): Promise<void> {
  const moving = await dir.source.list(isInternalFile);
  if (moving.length === 0) return;
  const there = (await dir.destination.list(isInternalFile)).filter(
    (p) => !isLatestMarker(`${dir.sub}/${p}`),
  );
  if (there.length === 0) return;
  const theirs = new Set(there);
  for (const path of moving) {
    if (!theirs.has(path)) continue;
    const [copy, source] = await Promise.all([dir.destination.digest(path), dir.source.digest(path)]);
    if (copy && source && copy.size === source.size && copy.sha256 === source.sha256) return;
  }
  throw new SwampError(
    "validation_failed",
    `Cannot reverse-migrate: "${dir.sub}" already exists at "${dir.destination.location}" (for example ${dir.sub}/${there[0]}). Remove or rename it first. Nothing was moved.`,
  );
}

/** Files at the destination with other bytes are never overwritten: the whole move is refused. */
function refuseConflicts(plan: MigrationPlan, dirs: readonly MigrationDir[]): void {
  const conflicts = plan.dirs.flatMap((d) => {
    const where = dirs.find((dir) => dir.sub === d.sub)?.destination.location ?? d.sub;
    return d.conflicts.map((path) => `${where}/${path}`);
  });
  if (conflicts.length === 0) return;
  throw new SwampError(
    "validation_failed",
    `Cannot migrate: ${conflicts.length} file(s) already exist at the destination with different content:\n  ${conflicts.join("\n  ")}\nNothing was moved. Move those files away (or delete them if they are stale copies), then run the command again.`,
    { conflicts },
  );
}
