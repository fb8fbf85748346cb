import { join } from "node:path";
import { FsFileTree } from "../../adapters/fs/fs-file-tree.ts";
import { backfillCatalog } from "../../core/catalog-backfill.ts";
import { anySignal } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import { Namespace } from "../../core/namespace.ts";
import { manifestKey } from "../../core/namespace-manifest.ts";
import type { Lease } from "../../core/ports/lock.ts";
import type { MigrateDeps, MigrationPlan } from "../../core/use-cases/migrate.ts";
import {
  migrateNamespace,
  type NamespaceMove,
  type NamespaceMoveSteps,
  NO_NAMESPACE_CONFIGURED,
  namespaceMigrationDirs,
  planNamespaceMove,
} from "../../core/use-cases/namespace-migrate.ts";
import { confirm, defineCommand, flag, type OptsOf } from "../command-spec.ts";
import { confirmed } from "../confirm.ts";
import { hydrateAll } from "../content-hydration.ts";
import type { RepoContext } from "../context.ts";
import { filesMoved, sentence } from "../progress/format.ts";
import { stderrReport, type TransferReport } from "../progress/transfer-report.ts";
import type { Invocation } from "../run.ts";
import { problemText, RETRY_HINT, type SetupWarning } from "./setup-common.ts";
import { formatSize, openRepo } from "./shared.ts";

/** `-y/--yes`, its hidden `-f/--force`, and `--confirm`: all three run the move instead of previewing it. */
export const migrateConfirm = {
  ...confirm,
  confirm: flag("--confirm", "same as --yes"),
};

const options = {
  reverse: flag("--reverse", "move the namespace's data back to the solo layout"),
  ...migrateConfirm,
};

export const command = defineCommand({
  description:
    "move existing data into this repo's namespace folder, or back with --reverse (a preview unless --confirm; takes the namespace's lease)",
  examples: [
    "swamp datastore namespace migrate",
    "swamp datastore namespace migrate --confirm",
    "swamp datastore namespace migrate --reverse --yes --json",
  ],
  epilogue:
    "\nOn a bucket the move happens in the local cache and is pushed under the namespace's prefix before it is committed;\nthe bucket's old root data stays where it is ('swamp doctor' reports it). Re-running completes an interrupted move.\n",
  options,
  run: async (inv) => {
    const ctx = await openRepo(inv);
    const doc = await runNamespaceMigration(inv, ctx, { reverse: inv.opts.reverse === true });
    const reverse = inv.opts.reverse ? " --reverse" : "";
    renderMigration(inv, doc, `swamp datastore namespace migrate${reverse}`);
  },
});

/** What the command prints, as JSON or as text: a preview, or the move done. */
export type MigrationDoc = PreviewDoc | MovedDoc;

interface CommonDoc {
  namespace: string;
  datastorePath: string;
  reverse: boolean;
  isExtensionDatastore: boolean;
  totalFiles: number;
  totalBytes: number;
  /** Set when there was nothing to move. */
  message?: string;
  /** What to run next (a bucket's push after a reverse move). */
  hint?: string;
  /** `unset --migrate`: the namespace the repo left. */
  previousNamespace?: string;
  /** `unset --migrate`: other namespaces the solo layout now sits beside. */
  warnings?: SetupWarning[];
}

interface PreviewDoc extends CommonDoc {
  confirm: false;
  directories: {
    subdir: string;
    source: string;
    destination: string;
    fileCount: number;
    totalBytes: number;
  }[];
}

interface MovedDoc extends CommonDoc {
  confirm: true;
  migratedDirectories: string[];
  filesCopied: number;
  /** Files uploaded under the namespace's prefix (a bucket). */
  filesPushed?: number;
}

const NOTHING = "Nothing to migrate — data is already in the namespace directory.";
const NOTHING_REVERSE = "Nothing to migrate — the namespace directory holds no data.";

export interface MigrationRequest {
  reverse: boolean;
  /** The commit's change to `.swamp.yaml` (unset --migrate removes the namespace); none for migrate. */
  commit?: () => Promise<void>;
}

/**
 * A preview, or (confirmed) the move under the leases (docs/architecture.md, "Migration"): on a
 * folder datastore both the solo and the namespace's global lease, since both layouts change; on
 * a bucket the namespace's lease, with its pull before and its push before the commit.
 */
export async function runNamespaceMigration(
  inv: Invocation<OptsOf<typeof migrateConfirm>>,
  ctx: RepoContext,
  request: MigrationRequest,
): Promise<MigrationDoc> {
  if (ctx.namespace === "") throw new SwampError("validation_failed", NO_NAMESPACE_CONFIGURED);
  const move = namespaceMove(ctx, request.reverse);
  const plan = await planNamespaceMove(move);
  const preview = previewDoc(ctx, move, plan);
  const yes = inv.opts.yes || inv.opts.force || inv.opts.confirm;
  if (!yes) {
    // On a terminal the preview is shown and the question asked; elsewhere the preview is the answer.
    if (plan.dirs.length === 0 || !inv.out.interactive) return preview;
    inv.out.info(previewText(preview));
    if (!(await confirmed(inv.out, false, `Move ${preview.totalFiles} file(s) now?`))) return preview;
  }
  const report = stderrReport(inv.out, ctx.clock);
  report.start(
    move.reverse
      ? `Moving namespace ${ctx.namespace}'s data back to the solo layout...`
      : `Moving the data into namespace ${ctx.namespace}...`,
  );
  const moved = await (ctx.isRemote ? moveInCache : moveInFolder)(inv, ctx, move, request, report).finally(
    () => report.clear(),
  );
  report.finish(sentence([filesMoved("moved", moved.filesCopied, report.bytes("copy"))]));
  return moved;
}

function namespaceMove(ctx: RepoContext, reverse: boolean): NamespaceMove {
  return {
    namespace: ctx.namespace,
    reverse,
    subdirs: ctx.resolver.effectiveDirectories(),
    tree: (rel) => new FsFileTree(rel === "" ? ctx.datastoreBase : join(ctx.datastoreBase, rel), ctx),
    refuseOtherNamespaces: ctx.isRemote,
  };
}

/** The same repo in solo mode: the other side of the move. */
function soloOf(ctx: RepoContext): RepoContext {
  return ctx.withDatastore({ ...ctx.config, namespace: Namespace.solo });
}

async function moveInFolder(
  inv: Invocation<unknown>,
  ctx: RepoContext,
  move: NamespaceMove,
  request: MigrationRequest,
  report: TransferReport,
): Promise<MovedDoc> {
  const solo = soloOf(ctx);
  // Solo first, then the namespace, always in this order (docs/architecture.md, "Namespace migration").
  return solo.withStructuralNoSync("namespace migrate", inv.signal, (soloLease) =>
    ctx.withStructuralNoSync("namespace migrate", inv.signal, async (lease) => {
      const held = bothHeld(soloLease, lease);
      const { plan, result } = await migrateNamespace({ lease: held }, move, {
        ...steps(ctx, solo, move, request),
        onProgress: report.onProgress,
      });
      return movedDoc(ctx, move, plan, result);
    }),
  );
}

async function moveInCache(
  inv: Invocation<unknown>,
  ctx: RepoContext,
  move: NamespaceMove,
  request: MigrationRequest,
  report: TransferReport,
): Promise<MovedDoc> {
  const { onProgress } = report;
  const remote = await ctx.remote();
  if (!remote) throw new SwampError("internal", "a bucket datastore without a remote session");
  const solo = soloOf(ctx);
  const deadline = remote.deadline();
  try {
    return await ctx.withStructuralNoSync("namespace migrate", inv.signal, async (lease) => {
      const signal = anySignal(inv.signal, deadline.signal, lease.signal);
      const verify = (s: AbortSignal) => remote.verifyLeases([lease], s);
      // What the namespace already holds in the bucket is in the cache before anything is compared.
      await remote.pull({ signal, beforeCommit: verify, onProgress });
      // Content a lazy pull left in the bucket must be in the cache before it moves.
      const source = move.reverse ? remote : await solo.remote();
      if (source) await hydrateAll(source, signal, onProgress);
      let pushed = 0;
      const deps: MigrateDeps = { lease, fence: () => verify(signal) };
      const base = steps(ctx, solo, move, request);
      const { plan, result } = await migrateNamespace(deps, move, {
        ...base,
        onProgress,
        // Marked before the first file is written, so a crash leaves everything to push.
        beforeCopy: async () => {
          if (!move.reverse) remote.sync.markDirty(null);
          else (await solo.remote())?.sync.markDirty(null);
        },
        // The namespace's data lands under its prefix before the commit; the reverse move leaves
        // the bucket as it is, and the solo layout's push comes once the repo is solo again.
        ...(move.reverse
          ? {}
          : {
              beforeCommit: async () => {
                pushed = (await remote.pushWhileMoving({ signal, beforeCommit: verify, onProgress }))
                  .uploaded;
              },
            }),
      });
      const doc = movedDoc(ctx, move, plan, result);
      if (!move.reverse) return { ...doc, filesPushed: pushed };
      if (plan.dirs.length === 0) return doc;
      return {
        ...doc,
        hint: request.commit
          ? `The data is back in the cache's solo layout; run 'swamp datastore sync --push' to upload it to ${remote.store.description}.`
          : `The data is back in the cache's solo layout; run 'swamp datastore namespace unset', then 'swamp datastore sync --push' to upload it to ${remote.store.description}.`,
      };
    });
  } finally {
    deadline.dispose();
  }
}

/** The move's own steps, the same on a folder and a bucket's cache. */
function steps(
  ctx: RepoContext,
  solo: RepoContext,
  move: NamespaceMove,
  request: MigrationRequest,
): NamespaceMoveSteps {
  return {
    commit: request.commit ?? (async () => {}),
    // Every repo following either layout's change log reads the moved names again.
    announce: async (names) => {
      await solo.recordChanges(names);
      await ctx.recordChanges(names);
    },
    afterCommit: async () => {
      // The rows of both layouts are rebuilt from their data, so the moved records carry the
      // namespace they are in now; other namespaces' rows are not touched.
      const catalog = await ctx.catalogForWrite();
      try {
        await backfillCatalog(solo.data(), catalog, "");
        await backfillCatalog(ctx.data(), catalog, ctx.namespace);
      } finally {
        catalog.close();
      }
      if (move.reverse && request.commit) await removeManifest(ctx);
    },
  };
}

/** After the repo left its namespace: the manifest goes, from the datastore and from a bucket's cache. */
async function removeManifest(ctx: RepoContext): Promise<void> {
  const key = manifestKey(ctx.namespace);
  await (await ctx.store()).delete(key);
  if (ctx.isRemote) await new FsFileTree(ctx.datastoreBase, ctx).remove([key]);
}

function bothHeld(a: Lease, b: Lease): Pick<Lease, "assertHeld"> {
  return {
    assertHeld: () => {
      a.assertHeld();
      b.assertHeld();
    },
  };
}

function previewDoc(ctx: RepoContext, move: NamespaceMove, plan: MigrationPlan): PreviewDoc {
  const dirs = namespaceMigrationDirs(move);
  const directories = plan.dirs.map((d) => {
    const dir = dirs.find((x) => x.sub === d.sub);
    return {
      subdir: d.sub,
      source: dir?.source.location ?? "",
      destination: dir?.destination.location ?? "",
      fileCount: d.files.length,
      totalBytes: d.bytes,
    };
  });
  return {
    ...common(ctx, move, plan),
    confirm: false,
    directories,
  };
}

function movedDoc(
  ctx: RepoContext,
  move: NamespaceMove,
  plan: MigrationPlan,
  result: Awaited<ReturnType<typeof migrateNamespace>>["result"],
): MovedDoc {
  if (!result.committed) {
    const where = move.reverse ? "in the solo layout" : `in the namespace folder ${ctx.namespace}/`;
    const problems = result.problems.map((p) => problemText(p, where));
    throw new SwampError(
      "sync_failed",
      `Partially migrated: nothing was committed and the source is intact.\n  ${problems.join("\n  ")}\n${RETRY_HINT}`,
      { succeededDirectories: result.migrated.filter((sub) => !result.problems.some((p) => p.sub === sub)) },
    );
  }
  return {
    ...common(ctx, move, plan),
    confirm: true,
    migratedDirectories: result.migrated,
    filesCopied: result.filesCopied,
  };
}

function common(ctx: RepoContext, move: NamespaceMove, plan: MigrationPlan): CommonDoc {
  return {
    namespace: ctx.namespace,
    datastorePath: ctx.datastoreBase,
    reverse: move.reverse,
    isExtensionDatastore: ctx.isRemote,
    totalFiles: plan.dirs.reduce((n, d) => n + d.files.length, 0),
    totalBytes: plan.dirs.reduce((n, d) => n + d.bytes, 0),
    ...(plan.dirs.length === 0 ? { message: move.reverse ? NOTHING_REVERSE : NOTHING } : {}),
  };
}

function previewText(doc: PreviewDoc): string {
  const lines = [
    `${doc.reverse ? "Reverse migration" : "Migration"} preview (namespace: "${doc.namespace}")`,
  ];
  for (const d of doc.directories)
    lines.push(
      `  ${d.subdir}`,
      `    ${d.source}`,
      `    → ${d.destination}`,
      `    ${d.fileCount} file(s), ${formatSize(d.totalBytes)}`,
    );
  lines.push(`Total: ${doc.totalFiles} file(s), ${formatSize(doc.totalBytes)}`);
  return lines.join("\n");
}

/**
 * Prints the preview (with `command`, the command that runs it once `--confirm` is added) or the
 * move's outcome, then `extra` lines.
 */
export function renderMigration(
  inv: Invocation<unknown>,
  doc: MigrationDoc,
  command: string,
  extra: string[] = [],
): void {
  inv.out.result(doc, () => {
    if (doc.message) return [doc.message, ...extra].join("\n");
    if (!doc.confirm)
      return [
        previewText(doc),
        `Add --confirm to execute this migration (${command} --confirm).`,
        ...extra,
      ].join("\n");
    return [
      ...doc.migratedDirectories.map((sub) => `✓ ${sub}`),
      `Migration complete: ${doc.migratedDirectories.length} directory(s) moved (${doc.totalFiles} file(s), ${formatSize(doc.totalBytes)})`,
      ...(doc.filesPushed !== undefined
        ? [`Pushed ${doc.filesPushed} file(s) under the namespace's prefix.`]
        : []),
      ...(doc.hint ? [doc.hint] : []),
      ...extra,
    ].join("\n");
  });
}
