import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { datastoreVerifier, openObjectStore } from "../../adapters/backends/registry.ts";
import { editRepoConfig } from "../../adapters/fs/repo-config-file.ts";
import type { LocalPlacement } from "../../core/backends/backend-descriptor.ts";
import { type DatastoreBackend, toYamlDatastoreBlock } from "../../core/datastore-config.ts";
import { effectiveSubdirs, isDatastoreSubdir } from "../../core/datastore-subdirs.ts";
import { SwampError } from "../../core/errors.ts";
import { expandPath } from "../../core/expand-path.ts";
import { Namespace } from "../../core/namespace.ts";
import { PathResolver } from "../../core/path-resolver.ts";
import { type MigrationDir, migrate } from "../../core/use-cases/migrate.ts";
import { flag, type OptsOf, text } from "../command-spec.ts";
import { hydrateAll } from "../content-hydration.ts";
import { filesMoved, sentence } from "../progress/format.ts";
import { stderrReport } from "../progress/transfer-report.ts";
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

/** Setup's own options for a folder used in place, after its backend's flags. */
export const localSetupOptions = {
  ...namespaceOption,
  directories: text("--directories <list>", "comma-separated datastore subdirectories to keep there"),
  skipMigration: flag("--skip-migration", "do not copy existing data"),
};
type Opts = OptsOf<typeof localSetupOptions>;

/**
 * Points the repo at a folder: copies the current datastore's data there under the global
 * lease, then rewrites `.swamp.yaml`. Re-running it completes an interrupted setup.
 */
export async function setupLocal(
  inv: Invocation<Opts>,
  placement: LocalPlacement<DatastoreBackend>,
  config: DatastoreBackend,
): Promise<void> {
  const ctx = await openRepo(inv);
  const home = process.env.HOME || homedir();
  const target = expandPath(placement.path(config), {
    env: process.env,
    homeDir: home,
    baseDir: ctx.repoDir,
  });
  const targetConfig = placement.withPath(config, target);
  const directories = parseDirectories(inv.opts.directories);
  const source = ctx.resolver;
  const namespace = inv.opts.namespace === undefined ? source.namespace : Namespace.of(inv.opts.namespace);
  const destination = new PathResolver({
    repoDir: ctx.repoDir,
    datastoreBase: target,
    namespace,
    directories: directories ?? ctx.config.directories,
    exclude: source.excludePatterns(),
  });

  const report = stderrReport(inv.out, ctx.clock);
  report.start(`Setting up the datastore at ${target}...`);
  const doc = await ctx
    .withStructural("datastore setup", inv.signal, async (lease) => {
      await mkdir(target, { recursive: true }).catch((e: Error) => {
        throw new SwampError(
          "validation_failed",
          `Cannot create ${target}: ${e.message}. Choose a path you can write to.`,
        );
      });
      const open = () => openObjectStore(targetConfig, ctx.storeDeps);
      const health = await datastoreVerifier(targetConfig, open, ctx.storeDeps).verify();
      if (!health.healthy) throw new SwampError("validation_failed", health.message);
      const claimed = await claimNamespace(await open(), namespace, ctx, lease.signal);

      const dirs: MigrationDir[] = [];
      const destinationOf = new Map<string, string>();
      for (const sub of destination.effectiveDirectories()) {
        const to = destination.resolve(sub).path;
        await mkdir(to, { recursive: true });
        const from = source.resolve(sub);
        if (inv.opts.skipMigration || from.tier !== "datastore" || from.path === to) continue;
        dirs.push(migrationDir(sub, from.path, to, ctx));
        destinationOf.set(sub, to);
      }
      // A bucket source's lease is fenced in the bucket too (docs/architecture.md, "Leases").
      const remote = await ctx.remote();
      const fence = remote ? () => remote.verifyLeases([lease], inv.signal) : undefined;
      // Content a lazy pull left in the bucket must be in the cache before it moves.
      if (remote && dirs.length > 0) await hydrateAll(remote, lease.signal, report.onProgress);
      const moved = await migrate(
        { lease, ...(fence ? { fence } : {}) },
        {
          dirs,
          switchTo: async () => {
            const block = toYamlDatastoreBlock(placement.withPath(config, collapseHome(target, home)), {
              namespace,
              directories: directories ?? ctx.config.directories,
              exclude: ctx.config.exclude,
            });
            await editRepoConfig(ctx.repoDir, [{ path: ["datastore"], value: block }]);
          },
          removeSource: true,
          onProgress: report.onProgress,
          // Other repos on either datastore see the records arrive or leave at their next read.
          announce: async (names) => {
            await ctx.recordChanges(names, destination);
            await ctx.recordChanges(names);
          },
        },
      );
      const errors = moved.problems.map((p) => problemText(p, `at ${destinationOf.get(p.sub)}`));
      const { filesCopied, bytesCopied, migrated } = moved;
      return {
        type: config.kind,
        datastoreType: config.kind,
        path: target,
        filesCopied,
        filesPulled: 0,
        bytesCopied,
        directoriesMigrated: migrated,
        errors,
        ...(errors.length ? { retryHint: RETRY_HINT } : {}),
        ...(namespace.isSolo ? {} : { namespace: namespace.slug }),
        sourcePath: source.datastoreRoot(),
        destinationPath: destination.datastoreRoot(),
        warnings: [...claimed, ...envWarnings(ctx)],
      };
    })
    .finally(() => report.clear());
  report.finish(sentence([filesMoved("copied", doc.filesCopied, doc.bytesCopied)]));

  inv.out.result(doc, () => {
    const lines = [
      doc.errors.length ? "Datastore Setup Incomplete" : "Datastore Setup Complete",
      `  Type:      ${doc.type}`,
      `  Path:      ${doc.path}`,
      ...(doc.namespace ? [`  Namespace: ${doc.namespace}`] : []),
      `  Files:     ${doc.filesCopied} copied (${doc.bytesCopied} bytes)`,
    ];
    if (doc.directoriesMigrated.length)
      lines.push(
        `Relocated: ${doc.directoriesMigrated.join(", ")} now resolve under ${doc.destinationPath}`,
        `Moved from: ${doc.sourcePath}`,
      );
    for (const w of doc.warnings) lines.push(`Warning: ${w.message}`);
    for (const e of doc.errors) lines.push(`Error: ${e}`);
    if (doc.errors.length) lines.push(RETRY_HINT);
    return lines.join("\n");
  });
  if (doc.errors.length) process.exitCode = 1;
}

function parseDirectories(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const dirs = list
    .split(",")
    .map((d) => d.trim())
    .filter(Boolean);
  const unknown = dirs.filter((d) => !isDatastoreSubdir(d));
  if (unknown.length) {
    throw new SwampError(
      "usage",
      `Unknown datastore directories: ${unknown.join(", ")}. Choose from: ${effectiveSubdirs().join(", ")}.`,
    );
  }
  return dirs;
}

function collapseHome(path: string, home: string): string {
  return path === home || path.startsWith(`${home}/`) ? join("~", path.slice(home.length)) : path;
}
