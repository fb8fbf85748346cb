import { homedir } from "node:os";
import { editRepoConfig } from "../../adapters/fs/repo-config-file.ts";
import {
  backendFields,
  type DatastoreBackend,
  resolveDatastoreConfig,
  toYamlDatastoreBlock,
} from "../../core/datastore-config.ts";
import { anySignal } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import { type MigrationDir, migrate as moveDatastore } from "../../core/use-cases/migrate.ts";
import { flag, type OptsOf, text, timeout } from "../command-spec.ts";
import { hydrateAll } from "../content-hydration.ts";
import type { RepoContext } from "../context.ts";
import { filesMoved, sentence } from "../progress/format.ts";
import { stderrReport, type TransferReport } from "../progress/transfer-report.ts";
import type { RemoteSession } from "../remote-session.ts";
import type { Invocation } from "../run.ts";
import {
  claimNamespace,
  envWarnings,
  migrationDir,
  namespaceOption,
  problemText,
  RETRY_HINT,
} from "./setup-common.ts";
import { openRepo } from "./shared.ts";

/** Setup's own options for a bucket behind the cache, after its backend's flags. */
export const remoteSetupOptions = {
  ...namespaceOption,
  skipMigration: flag("--skip-migration", "do not copy existing data"),
  hydrationStrategy: text(
    "--hydration-strategy <strategy>",
    "full: pulls bring every version's content; lazy: only metadata, content fetched when read (kept in .swamp.yaml)",
    { choices: ["full", "lazy"] },
  ),
  ...timeout("give up the migration's transfers after this many seconds"),
};
export type RemoteSetupOpts = OptsOf<typeof remoteSetupOptions>;

/**
 * Points the repo at a bucket: copies the current datastore's data into the bucket's cache,
 * pushes it under the bucket's global lease, then rewrites `.swamp.yaml`. Each step is
 * idempotent, so an interrupted setup is completed by running the same command again.
 */
export async function setupRemote(
  inv: Invocation<RemoteSetupOpts>,
  backend: DatastoreBackend,
): Promise<void> {
  const timeout = inv.opts.timeout === undefined ? undefined : parseTimeoutFlag(inv.opts.timeout);
  const ctx = await openRepo(inv);
  const target = ctx.withDatastore(validated(ctx, backend, inv.opts.namespace, inv.opts.hydrationStrategy));
  const remote = await target.remote();
  if (!remote) throw new SwampError("internal", "setupRemote needs a remote backend");
  // One sync deadline over the health check, the pull and the push (docs/architecture.md, "Deadlines").
  const deadline = remote.deadline(timeout);
  const signal = anySignal(inv.signal, deadline.signal);
  const report = stderrReport(inv.out, ctx.clock);
  report.start(`Setting up ${remote.store.description}...`);
  const doc = await migrate(inv, ctx, target, remote, backend, signal, report).finally(() => {
    deadline.dispose();
    report.clear();
  });
  report.finish(
    sentence([
      filesMoved("copied", doc.filesCopied, doc.bytesCopied),
      filesMoved("pushed", doc.filesPushed, report.bytes("upload")),
    ]),
  );

  inv.out.result(doc, () => {
    const lines = [
      doc.errors.length ? "Datastore Setup Incomplete" : "Datastore Setup Complete",
      `  Type:      ${doc.type}`,
      `  Store:     ${remote.store.description}`,
      `  Cache:     ${doc.cachePath}`,
      ...(doc.namespace ? [`  Namespace: ${doc.namespace}`] : []),
      `  Files:     ${doc.filesCopied} copied (${doc.bytesCopied} bytes), ${doc.filesPushed} pushed`,
      `  Hydrated:  ${doc.filesPulled} pulled (${doc.hydrationStrategy})`,
    ];
    if (doc.directoriesMigrated.length)
      lines.push(`Relocated: ${doc.directoriesMigrated.join(", ")} from ${doc.sourcePath}`);
    for (const w of doc.warnings) lines.push(`Warning: ${w.message}`);
    for (const e of doc.errors) lines.push(`Error: ${e}`);
    if (doc.errors.length) lines.push(RETRY_HINT);
    return lines.join("\n");
  });
  if (doc.errors.length) process.exitCode = 1;
}

/** Health check, then, under the global lease: pull, copy the current datastore into the cache, push, rewrite `.swamp.yaml`. */
async function migrate(
  inv: Invocation<RemoteSetupOpts>,
  ctx: RepoContext,
  target: RepoContext,
  remote: RemoteSession,
  backend: DatastoreBackend,
  signal: AbortSignal,
  report: TransferReport,
) {
  const { onProgress } = report;
  const health = await (await target.verifier()).verify(signal);
  if (!health.healthy) throw new SwampError("store_unavailable", health.message);
  const claimed = await claimNamespace(remote.store, target.resolver.namespace, ctx, signal);

  return target.withStructuralNoSync("datastore setup", inv.signal, async (lease) => {
    const verify = (s: AbortSignal) => remote.verifyLeases([lease], s);
    const leaseSignal = anySignal(signal, lease.signal);
    // A republish: setup is also how a bucket that was emptied or restored is filled again from
    // this cache, so the pull deletes nothing here and the push nothing there.
    const pulled = await remote.pull({
      signal: leaseSignal,
      beforeCommit: verify,
      republish: true,
      onProgress,
    });
    // Content a lazy pull left in another store must be in the cache before it moves here.
    const source = inv.opts.skipMigration ? null : await ctx.remote();
    if (source && source.store.description !== remote.store.description)
      await hydrateAll(source, leaseSignal, onProgress);
    const dirs: MigrationDir[] = [];
    if (!inv.opts.skipMigration) {
      // Everything in the cache goes up, also when the source is another bucket sharing this cache.
      remote.sync.markDirty(null);
    }
    if (!inv.opts.skipMigration && ctx.datastoreBase !== target.datastoreBase) {
      for (const sub of target.resolver.effectiveDirectories()) {
        const from = ctx.resolver.resolve(sub);
        if (from.tier !== "datastore") continue;
        dirs.push(migrationDir(sub, from.path, target.resolver.resolve(sub).path, ctx));
      }
    }
    let pushed = { uploaded: 0 };
    const moved = await moveDatastore(
      { lease, fence: () => verify(leaseSignal) },
      {
        dirs,
        // The cache goes up whatever the copy found: what was copied is not stranded.
        beforeCommit: async () => {
          pushed = await remote.push({
            signal: leaseSignal,
            beforeCommit: verify,
            republish: true,
            onProgress,
          });
        },
        switchTo: async () => {
          await editRepoConfig(ctx.repoDir, [
            { path: ["datastore"], value: toYamlDatastoreBlock(backend, target.config) },
          ]);
        },
        // Only a local source is emptied: a remote source's bucket keeps its data.
        removeSource: !ctx.isRemote,
        onProgress,
        // Other checkouts sharing the cache, and other repos on a filesystem source, see the move.
        announce: async (names) => {
          await target.recordChanges(names);
          if (!ctx.isRemote) await ctx.recordChanges(names);
        },
      },
    );
    const errors = moved.problems.map((p) => problemText(p, "in the bucket's cache"));
    const { filesCopied, bytesCopied, migrated } = moved;
    return {
      type: backend.kind,
      datastoreType: backend.kind,
      ...backendFields(backend),
      filesCopied,
      filesPushed: pushed.uploaded,
      filesPulled: pulled.downloaded,
      bytesCopied,
      directoriesMigrated: migrated,
      errors,
      ...(errors.length ? { retryHint: RETRY_HINT } : {}),
      ...(target.namespace ? { namespace: target.namespace } : {}),
      hydrationStrategy: target.config.hydrationStrategy ?? "full",
      sourcePath: ctx.resolver.datastoreRoot(),
      destinationPath: target.resolver.datastoreRoot(),
      cachePath: target.datastoreBase,
      warnings: [...claimed, ...envWarnings(ctx)],
    };
  });
}

/** The new block, checked exactly as `.swamp.yaml` will be read back, keeping the repo's other settings. */
function validated(
  ctx: RepoContext,
  backend: DatastoreBackend,
  namespace: string | undefined,
  hydrationStrategy: string | undefined,
) {
  const block = toYamlDatastoreBlock(backend, {
    ...ctx.config,
    ...(namespace !== undefined ? { namespace: undefined } : {}),
  });
  if (namespace !== undefined) block.namespace = namespace;
  if (hydrationStrategy !== undefined) block.hydrationStrategy = hydrationStrategy;
  const { SWAMP_DATASTORE: _ignored, ...env } = ctx.env;
  try {
    return resolveDatastoreConfig({
      env,
      yamlDatastore: block,
      repoDir: ctx.repoDir,
      homeDir: ctx.env.HOME || homedir(),
    });
  } catch (e) {
    // The values came from this command's flags, not from the file the message would name.
    if (!(e instanceof SwampError) || e.code !== "config_invalid") throw e;
    const what = e.message.split(". Set in ")[0];
    throw new SwampError(
      "validation_failed",
      `${what}. Fix the flag and run the command again (see 'swamp datastore setup --help').`,
    );
  }
}
