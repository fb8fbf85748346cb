import { homedir } from "node:os";
import { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import { FsModelRegistry } from "../adapters/fs/fs-model-registry.ts";
import { FsObjectStore } from "../adapters/fs/fs-object-store.ts";
import { locateRepo, readRepoConfig } from "../adapters/fs/repo-config-file.ts";
import { LockCoordinator, type LockWait } from "../adapters/lease-lock/lock-coordinator.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import { backfillCatalog } from "../core/catalog-backfill.ts";
import { type ResolvedDatastore, resolveDatastoreConfig } from "../core/datastore-config.ts";
import { SwampError } from "../core/errors.ts";
import { PathResolver } from "../core/path-resolver.ts";
import type { Catalog } from "../core/ports/catalog.ts";
import type { Clock } from "../core/ports/clock.ts";
import type { Host } from "../core/ports/host.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import { lockTimeoutMs } from "../core/tunables.ts";
import type { Output } from "./output.ts";
import { describeLease } from "./status/lease-text.ts";
import { leaseDoc } from "./status/status-snapshot.ts";

/** Writers ask for model leases every so often; short waits keep concurrent `data put`s snappy. */
const MODEL_LEASE_RETRY_MS = 100;

/**
 * The composition root: everything a command needs for one repo, wired from the real adapters.
 * Built once per command; heavy parts (catalog) open only when asked for.
 */
export class RepoContext {
  readonly clock: Clock = systemClock;
  readonly host: Host = systemHost();
  readonly resolver: PathResolver;
  readonly #catalog: { value?: Promise<Catalog> } = {};

  private constructor(
    readonly repoDir: string,
    readonly repoId: string,
    readonly config: ResolvedDatastore,
    readonly out: Output,
    readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    if (config.kind !== "filesystem") {
      throw new SwampError(
        "sync_not_supported",
        `The ${config.kind} datastore is not available in this build yet. Use a filesystem datastore: unset SWAMP_DATASTORE or run 'swamp datastore setup filesystem --path <dir>'.`,
      );
    }
    this.resolver = new PathResolver({
      repoDir,
      datastoreBase: config.path,
      namespace: config.namespace,
      directories: config.directories,
      exclude: config.exclude,
    });
  }

  static async open(out: Output, repoDirFlag: string | undefined): Promise<RepoContext> {
    const env = process.env;
    const repoDir = await locateRepo({ repoDir: repoDirFlag, env, cwd: process.cwd() });
    const file = await readRepoConfig(repoDir);
    const config = resolveDatastoreConfig({
      env,
      yamlDatastore: file.datastore,
      repoDir,
      homeDir: env.HOME || homedir(),
    });
    for (const warning of config.warnings) out.warn(warning);
    return new RepoContext(repoDir, file.repoId ?? "", config, out, env);
  }

  get namespace(): string {
    return this.resolver.namespace.toString();
  }

  /** The datastore base (filesystem path); leases live at its root. */
  get datastoreBase(): string {
    return this.resolver.datastoreBase;
  }

  lockStore(): ObjectStore {
    return new FsObjectStore(this.datastoreBase, this.clock, this.host);
  }

  /** Leases: global for structural commands, per model for writers (SPEC §4.6). */
  locks(): LockCoordinator {
    const holderPid = Number(this.env.SWAMP_LOCK_HOLDER_PID);
    return new LockCoordinator({
      store: this.lockStore(),
      clock: this.clock,
      host: this.host,
      random: Math.random,
      namespace: this.namespace,
      maxWaitMs: lockTimeoutMs(this.env, this.config),
      retryIntervalMs: MODEL_LEASE_RETRY_MS,
      ...(Number.isSafeInteger(holderPid) && holderPid > 0 ? { ignorePid: holderPid } : {}),
      onWait: (wait) => this.out.info(describeWait(wait)),
    });
  }

  data(): FsDataRepository {
    const dataDir = this.resolver.resolve("data").path;
    return new FsDataRepository(dataDir.slice(0, -"/data".length), { clock: this.clock, host: this.host });
  }

  models(): FsModelRegistry {
    return new FsModelRegistry(this.repoDir, this.host);
  }

  /** The catalog, backfilled from the datastore when it is not known to be complete. */
  catalog(): Promise<Catalog> {
    this.#catalog.value ??= this.#openCatalog();
    return this.#catalog.value;
  }

  /** The catalog without backfill, for write-through: rows added now are kept by the next backfill. */
  async catalogForWrite(): Promise<Catalog> {
    const { SqliteCatalog } = await import("../adapters/sqlite/sqlite-catalog.ts");
    const catalog = await SqliteCatalog.open(this.resolver.catalogPath(), { clock: this.clock });
    if (catalog.rebuiltReason) this.out.warn(catalog.rebuiltReason);
    return catalog;
  }

  async #openCatalog(): Promise<Catalog> {
    const catalog = await this.catalogForWrite();
    if (!catalog.isPopulated()) {
      const rows = await backfillCatalog(this.data(), catalog, this.namespace);
      this.out.debug(`Catalog backfilled: ${rows} row(s).`);
    }
    return catalog;
  }
}

function describeWait(wait: LockWait): string {
  if (wait.kind === "global") {
    return `Waiting for the datastore lease held by ${describeLease(leaseDoc(wait.holder.key, wait.holder))}…`;
  }
  return `Waiting for ${wait.holders.length} per-model lease(s) to be released…`;
}
