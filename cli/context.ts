import type { StoreDeps } from "../adapters/backends/backend-adapter.ts";
import { ChangeLog } from "../adapters/fs/change-log.ts";
import { FsDataRepository, type FsDataRepositoryOptions } from "../adapters/fs/fs-data-repository.ts";
import { FsModelRegistry } from "../adapters/fs/fs-model-registry.ts";
import { join } from "../adapters/fs/paths.ts";
import { locateRepo, readRepoConfig } from "../adapters/fs/repo-config-file.ts";
import type { FileLeaseJournal } from "../adapters/lease-lock/lease-journal.ts";
import type { LockCoordinator } from "../adapters/lease-lock/lock-coordinator.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import { isRemoteBackend } from "../core/backends/registry.ts";
import { dataTierBase } from "../core/cache-path.ts";
import type { DataNameKey, ModelKey } from "../core/data-record.ts";
import { backendOf, type ResolvedDatastore, resolveDatastoreConfig } from "../core/datastore-config.ts";
import { REPO_LOCAL_DIRS } from "../core/datastore-subdirs.ts";
import { formatDuration } from "../core/duration-text.ts";
import { PathResolver } from "../core/path-resolver.ts";
import type { Catalog } from "../core/ports/catalog.ts";
import type { Clock } from "../core/ports/clock.ts";
import type { DatastoreVerifier } from "../core/ports/datastore-verifier.ts";
import type { Host } from "../core/ports/host.ts";
import type { Lease } from "../core/ports/lock.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import type { SyncService } from "../core/ports/sync-service.ts";
import { CHANGE_LOG_FILENAME } from "../core/sync/sync-keys.ts";
import { lockTimeoutMs } from "../core/tunables.ts";
import { CatalogWriteThrough } from "../core/use-cases/catalog-write-through.ts";
import type { LeasedWorkDeps } from "../core/use-cases/leased-work.ts";
import type { Output } from "./output.ts";
import type { RemoteSession } from "./remote-session.ts";

/** Under the repo's `.swamp/`: the leases this repo's commands hold (see lease-journal.ts). */
const [LEASE_JOURNAL_DIR] = REPO_LOCAL_DIRS;

/** Writers ask for model leases every so often; short waits keep concurrent `data put`s snappy. */
const MODEL_LEASE_RETRY_MS = 100;

/**
 * The composition root: everything a command needs for one repo, wired from the real adapters.
 * Built once per command; every part beyond the folder's data (leases, stores, catalog, sync
 * engine, SDKs) loads only when asked for, so that a read pays only for what it reads.
 */
export class RepoContext {
  readonly clock: Clock = systemClock;
  readonly host: Host = systemHost();
  readonly resolver: PathResolver;
  #catalog?: Promise<Catalog>;
  #store?: Promise<ObjectStore>;
  #remote?: Promise<RemoteSession>;
  /** Set once the remote session is open; cache mutations need it synchronously (markDirty). */
  #session?: RemoteSession;
  /** A change of this command could not be recorded in the datastore's change log. */
  #unlogged = false;

  private constructor(
    readonly repoDir: string,
    readonly repoId: string,
    readonly config: ResolvedDatastore,
    readonly out: Output,
    readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    this.resolver = new PathResolver({
      repoDir,
      datastoreBase: dataTierBase(backendOf(config), { env, homeDir: homeOf(env), repoId }),
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
      homeDir: homeOf(env),
    });
    for (const warning of config.warnings) out.warn(warning);
    return new RepoContext(repoDir, file.repoId ?? "", config, out, env);
  }

  /** The same repo pointed at another datastore (for `datastore setup`: the migration's target). */
  withDatastore(config: ResolvedDatastore): RepoContext {
    return new RepoContext(this.repoDir, this.repoId, config, this.out, this.env);
  }

  get namespace(): string {
    return this.resolver.namespace.toString();
  }

  /** The data-tier base: the filesystem datastore's path, or a remote store's local cache. */
  get datastoreBase(): string {
    return this.resolver.datastoreBase;
  }

  /** A bucket behind a local cache, rather than a folder used in place. */
  get isRemote(): boolean {
    return isRemoteBackend(this.config);
  }

  get storeDeps(): StoreDeps {
    return {
      env: this.env,
      clock: this.clock,
      host: this.host,
      random: Math.random,
      meter: this.out.traffic,
    };
  }

  /** Where leases live: a folder datastore itself, or the bucket (opened by its backend's adapter). */
  store(): Promise<ObjectStore> {
    this.#store ??= (async () => {
      const [{ openObjectStore }, { freeLeasesOfGoneProcesses }, journal] = await Promise.all([
        import("../adapters/backends/registry.ts"),
        import("../adapters/lease-lock/lease-recovery.ts"),
        this.#journal(),
      ]);
      const store = await openObjectStore(this.config, this.storeDeps);
      const freed = await freeLeasesOfGoneProcesses(journal, { store, clock: this.clock, host: this.host });
      for (const key of freed) this.out.debug(`Freed the lease ${key} left by a command that was killed.`);
      return store;
    })();
    return this.#store;
  }

  /** A bucket's local cache (or a folder datastore itself) read as an ObjectStore, from its root. */
  async cacheStore(): Promise<ObjectStore> {
    const { openObjectStore } = await import("../adapters/backends/registry.ts");
    return openObjectStore({ kind: "filesystem", path: this.datastoreBase }, this.storeDeps);
  }

  /** Leases this repo's commands take, noted so that a killed command's lease is freed by the next one. */
  async #journal(): Promise<FileLeaseJournal> {
    const { FileLeaseJournal } = await import("../adapters/lease-lock/lease-journal.ts");
    return new FileLeaseJournal(join(this.repoDir, ".swamp", LEASE_JOURNAL_DIR), this.host);
  }

  /** The health check of `datastore status` and `datastore setup`. */
  async verifier(): Promise<DatastoreVerifier> {
    const { datastoreVerifier } = await import("../adapters/backends/registry.ts");
    return datastoreVerifier(this.config, () => this.store(), this.storeDeps);
  }

  /** The sync engine of a remote datastore; null for a folder. */
  async remote(): Promise<RemoteSession | null> {
    if (!this.isRemote) return null;
    // The sync engine loads only for a bucket: a folder datastore's commands never pay for it.
    this.#remote ??= Promise.all([this.store(), import("./remote-session.ts")]).then(
      ([store, { RemoteSession }]) => {
        this.#session = RemoteSession.open(this, store);
        return this.#session;
      },
    );
    return this.#remote;
  }

  /**
   * Before a write plans from the cache (what `data delete` will remove, and asks to confirm):
   * what changed in the store, pulled without a lease as a fresh read does. Unlike a read, a store
   * that cannot be reached fails the command here, as the write's lease would.
   */
  async pullBeforePlan(signal: AbortSignal): Promise<void> {
    await (await this.remote())?.readPull(signal);
  }

  /**
   * Before a read of records on a bucket (docs/architecture.md, "Command line"): pull what changed,
   * without a lease (one request when nothing did). `offline` (or SWAMP_OFFLINE=1) reads the cache
   * as it is; a store that cannot be reached leaves the cache as it is too. Both say how old it is.
   */
  async freshRead(offline: boolean | undefined, signal: AbortSignal): Promise<void> {
    const remote = await this.remote();
    if (!remote) return;
    if (offline || this.env.SWAMP_OFFLINE === "1") {
      this.out.warn(
        `Offline: answering from the local cache, ${await this.#cacheAge(remote)}. Run without --offline (and SWAMP_OFFLINE unset) to read what changed in ${remote.store.description}.`,
      );
      return;
    }
    try {
      await remote.readPull(signal);
    } catch (e) {
      if (signal.aborted) throw e;
      const message = (e as Error).message;
      const age = await this.#cacheAge(remote);
      const { unreachableCause } = await import("./remote-session.ts");
      const cause = unreachableCause(e);
      if (cause === null) {
        this.out.warn(`${message} This answer comes from the local cache as it is, ${age}.`);
        return;
      }
      this.out.debug(message);
      this.out.warn(
        `${remote.store.description} could not be reached (${cause}), so this answer comes from the local cache, ${age}. Run 'swamp datastore sync --pull' once it is reachable, or pass --offline to skip the check.`,
      );
    }
  }

  /** "cache last pulled 3 min ago", or that it never was. */
  async #cacheAge(remote: RemoteSession): Promise<string> {
    const { lastPullAt } = await remote.sync.status();
    if (!lastPullAt) return "which was never pulled (it may be empty)";
    return `cache last pulled ${formatDuration(this.clock.now() - Date.parse(lastPullAt))} ago`;
  }

  async #openRemote(): Promise<RemoteSession> {
    const remote = await this.remote();
    if (remote === null) throw new Error("internal: a remote session on a folder datastore");
    return remote;
  }

  async sync(): Promise<SyncService | null> {
    return (await this.remote())?.sync ?? null;
  }

  /**
   * Leases: global for structural commands, per model for writers (docs/architecture.md, "Leases").
   * Another `namespace`'s only to look at them (`ds status`).
   */
  async locks(namespace = this.namespace): Promise<LockCoordinator> {
    const holderPid = Number(this.env.SWAMP_LOCK_HOLDER_PID);
    const [{ LockCoordinator }, { describeWait }, journal] = await Promise.all([
      import("../adapters/lease-lock/lock-coordinator.ts"),
      import("./status/lease-text.ts"),
      this.#journal(),
    ]);
    return new LockCoordinator({
      store: await this.store(),
      clock: this.clock,
      host: this.host,
      random: Math.random,
      namespace,
      maxWaitMs: lockTimeoutMs(this.env, this.config),
      retryIntervalMs: MODEL_LEASE_RETRY_MS,
      ...(Number.isSafeInteger(holderPid) && holderPid > 0 ? { ignorePid: holderPid } : {}),
      onWait: (wait) => this.out.info(describeWait(wait)),
      journal,
    });
  }

  /** A structural command: the global lease, then pull, run, push (remote stores), release. */
  async withStructural<T>(
    operation: string,
    signal: AbortSignal,
    fn: (lease: Lease) => Promise<T>,
  ): Promise<T> {
    const { withGlobalLeaseSynced } = await import("../core/use-cases/leased-work.ts");
    return withGlobalLeaseSynced(await this.#leasedWork(), operation, signal, fn);
  }

  /** The global lease without the implicit pull and push: for commands that sync themselves. */
  async withStructuralNoSync<T>(
    operation: string,
    signal: AbortSignal,
    fn: (lease: Lease) => Promise<T>,
  ): Promise<T> {
    return (await this.locks()).withStructural(fn, { operation, signal });
  }

  /** A writer: the models' leases, then pull, run, push (remote stores), release. */
  async withModels<T>(
    models: ModelKey[],
    operation: string,
    signal: AbortSignal,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { withModelLeasesSynced } = await import("../core/use-cases/leased-work.ts");
    return withModelLeasesSynced(await this.#leasedWork(), models, operation, signal, fn);
  }

  /** The lifecycle's ports (core/use-cases/leased-work.ts): this datastore's leases and, on a bucket, its sync. */
  async #leasedWork(): Promise<LeasedWorkDeps> {
    const locks = await this.locks();
    const remote = await this.remote();
    return { locks, sync: remote, warn: (message) => this.out.warn(message) };
  }

  /** `bulkContentReads` for a command that reads the content of many versions (a query). */
  data(reads: Pick<FsDataRepositoryOptions, "bulkContentReads"> = {}): FsDataRepository {
    return new FsDataRepository(dataRootOf(this.resolver), {
      ...reads,
      clock: this.clock,
      host: this.host,
      // Recorded before each mutation, so a crash leaves the cache dirty for the next push.
      ...(this.isRemote
        ? {
            onMutate: (rel: string | null) => this.#dirty(rel),
            fetchContent: async (rel: string) => {
              const { fetchContent } = await import("./content-hydration.ts");
              return fetchContent(await this.#openRemote(), rel);
            },
          }
        : {}),
      afterMutate: (name) => this.recordChanges([name]),
    });
  }

  /** The log of changed data names beside the data, followed by every catalog of every repo using it. */
  changeLog(where: PathResolver = this.resolver): ChangeLog {
    return new ChangeLog(join(dataRootOf(where), CHANGE_LOG_FILENAME), this.host);
  }

  /**
   * Tells every catalog following the datastore (this repo's, or the one `where` points at) that
   * these names changed; the changes must be complete.
   */
  async recordChanges(names: readonly DataNameKey[], where: PathResolver = this.resolver): Promise<void> {
    const log = this.changeLog(where);
    try {
      await log.append(names);
    } catch (e) {
      if (where === this.resolver) this.#unlogged = true;
      // The change itself is done and stays: failing to announce it must not fail the command.
      this.out.warn(
        `Could not record ${names.length} changed data name(s) in ${log.path} (${(e as Error).message}); the change itself is saved. Other repos using this datastore miss it in 'swamp data query' and 'swamp data list' until their catalog is rebuilt: fix that file's permissions, then delete .swamp/data/_catalog.db in those repos.`,
      );
    }
  }

  #dirty(rel: string | null): void {
    if (!this.#session)
      throw new Error("internal: the cache was changed outside a lease (no remote session open)");
    this.#session.sync.markDirty(rel);
  }

  models(): FsModelRegistry {
    return new FsModelRegistry(this.repoDir, this.host);
  }

  /** The catalog, backfilled from the datastore when it is not known to be complete. */
  catalog(): Promise<Catalog> {
    this.#catalog ??= this.#openCatalog();
    return this.#catalog;
  }

  /**
   * Answers `read` from the catalog. A catalog found corrupt while answering is rebuilt empty
   * underneath (a notice says so); then it is backfilled and asked again, so the answer is whole.
   */
  async readCatalog<T>(read: (catalog: Catalog) => Promise<T> | T): Promise<T> {
    const catalog = await this.catalog();
    const answer = await read(catalog);
    if (catalog.isPopulated(this.namespace)) return answer;
    await this.#follow(catalog);
    return read(catalog);
  }

  /** The catalog without backfill, for write-through: rows added now are kept by the next backfill. */
  async catalogForWrite(): Promise<Catalog> {
    const { SqliteCatalog } = await import("../adapters/sqlite/sqlite-catalog.ts");
    return SqliteCatalog.open(this.resolver.catalogPath(), {
      clock: this.clock,
      onRebuilt: (notice) => this.out.warn(notice),
    });
  }

  /**
   * Where this command's data changes reach the catalog (docs/architecture.md, "Catalog"). On a
   * folder datastore a version written reaches it through the change log, as long as the log
   * recorded every change; on a bucket the push publishes the catalog, so it is written at once.
   */
  catalogWriteThrough(): CatalogWriteThrough {
    return new CatalogWriteThrough({
      catalog: () => this.catalogForWrite(),
      repo: this.data(),
      namespace: this.namespace,
      ...(this.isRemote ? {} : { followsChangeLog: () => !this.#unlogged }),
    });
  }

  async #openCatalog(): Promise<Catalog> {
    const catalog = await this.catalogForWrite();
    await this.#follow(catalog);
    return catalog;
  }

  /** The catalog catches up with what changed in the datastore since it last looked, here or in other repos. */
  async #follow(catalog: Catalog): Promise<void> {
    const { followDatastoreChanges } = await import("../core/catalog-follow.ts");
    const outcome = await followDatastoreChanges({
      feed: this.changeLog(),
      repo: this.data(),
      catalog,
      namespace: this.namespace,
    });
    if (outcome.kind === "refreshed")
      this.out.debug(`Catalog caught up with ${outcome.names} changed name(s): ${outcome.rows} row(s).`);
    if (outcome.kind !== "rebuilt") return;
    if (outcome.problem) this.out.warn(`${outcome.problem}; the catalog was rebuilt from the datastore.`);
    this.out.debug(`Catalog rebuilt from the datastore: ${outcome.rows} row(s).`);
  }
}

/** Where `data/` lives: `{base}[/{ns}]`, or `{repo}/.swamp` when the data stays local. */
function dataRootOf(resolver: PathResolver): string {
  return resolver.resolve("data").path.slice(0, -"/data".length);
}

/** $HOME, else the account's: node:os loads only then (it costs a compiled command a third of a millisecond). */
function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  return env.HOME || (require("node:os") as typeof import("node:os")).homedir();
}
