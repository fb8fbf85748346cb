import { createHash } from "node:crypto";
import { join } from "node:path";
import { TransferProgressFile } from "../adapters/fs/transfer-progress-file.ts";
import { LeaseLock } from "../adapters/lease-lock/lease-lock.ts";
import { isTransient } from "../adapters/store-decorators/transient-error.ts";
import { SyncEngine } from "../adapters/sync/sync-engine.ts";
import type { BucketLocation } from "../core/backends/backend-descriptor.ts";
import { type DatastoreKind, remoteOf } from "../core/backends/registry.ts";
import { parseDataPath } from "../core/data-path.ts";
import type { DataNameKey } from "../core/data-record.ts";
import {
  anySignal,
  type Deadline,
  DeadlineExceeded,
  formatSeconds,
  startDeadline,
  type TimeBudget,
} from "../core/deadline.ts";
import { failedWhile, SwampError } from "../core/errors.ts";
import type { Lease } from "../core/ports/lock.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import type {
  PullResult,
  PushResult,
  RebasedVersion,
  SyncOptions,
  SyncProgress,
  SyncService,
} from "../core/ports/sync-service.ts";
import { SYNC_STATE_DIRNAME } from "../core/sync/sync-keys.ts";
import { DEFAULT_STATUS_TIMEOUT_MS, indexSplitEntries, syncDeadline } from "../core/tunables.ts";
import { type CommandSync, fenceLeases } from "../core/use-cases/leased-work.ts";
import { findRootData } from "../core/use-cases/namespace-survey.ts";
import { publishCatalogExport } from "./catalog-export-publish.ts";
import type { SessionContext } from "./session-context.ts";
import type { RemoteStatus } from "./status/status-snapshot.ts";
import { SyncSteps } from "./sync-steps.ts";

/** A short stable id of a bucket location: kind, bucket, prefix and endpoint. */
function storeKey(kind: DatastoreKind, location: BucketLocation): string {
  const id = JSON.stringify([kind, location.bucket, location.prefix ?? "", location.endpoint ?? ""]);
  return createHash("sha256").update(id).digest("hex").slice(0, 12);
}

/** How long a read waits for the store's first answer before it answers from the cache. */
const FIRST_ANSWER: TimeBudget = {
  ms: DEFAULT_STATUS_TIMEOUT_MS,
  what: "a read's wait for the store's first answer",
  raise: "nothing (pass --offline to read the cache without asking the store)",
  code: "store_unavailable",
};

/**
 * Why a read's pull could not reach the store, in a few words ("connect ECONNREFUSED …", "no
 * answer within 10 s"); null when it failed for another reason, whose message says what to do.
 */
export function unreachableCause(error: unknown): string | null {
  const chain: unknown[] = [];
  for (let e = error; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  const deadline = chain.find((e) => e instanceof DeadlineExceeded);
  if (deadline instanceof DeadlineExceeded) return `no answer within ${formatSeconds(deadline.budget.ms)}`;
  if (!isTransient(error)) return null;
  return (chain.at(-1) as Error).message.replace(/\.+$/, "");
}

/** A renumbered version, with its model's name for messages and JSON. */
export interface ReportedRebase extends RebasedVersion {
  model: string;
}

/**
 * A remote datastore for one command: the bucket, the sync engine over it and the local cache,
 * and the pull and push a writing command runs around its work (the lifecycle itself is
 * core/use-cases/leased-work.ts), reporting what they did.
 */
export class RemoteSession implements CommandSync {
  readonly #progress: TransferProgressFile;
  readonly #rebased: ReportedRebase[] = [];
  #catalogPublished = false;

  private constructor(
    private readonly ctx: SessionContext,
    private readonly location: BucketLocation,
    readonly store: ObjectStore,
    /** Where the namespace lives in the store: "" (solo) or "{ns}/". */
    readonly prefix: string,
    readonly sync: SyncService,
    private readonly stateDir: string,
  ) {
    this.#progress = new TransferProgressFile(join(stateDir, "progress.json"), ctx.clock, ctx.host);
  }

  static open(ctx: SessionContext, store: ObjectStore): RemoteSession {
    const remote = remoteOf(ctx.config, ctx.env);
    if (!remote) throw new SwampError("internal", "A remote session needs a remote datastore");
    const ns = ctx.namespace;
    // Keyed by the bucket too: a repo moved from one bucket to another keeps one cache, and each
    // store's sync state must start fresh (a new store's first sync never deletes local files).
    const stateDir = join(
      ctx.datastoreBase,
      SYNC_STATE_DIRNAME,
      storeKey(remote.kind, remote.location),
      ns || "_solo",
    );
    const prefix = ns ? `${ns}/` : "";
    const engine = new SyncEngine({
      store,
      cacheDir: ctx.resolver.datastoreRoot(),
      remotePrefix: prefix,
      stateDir,
      clock: ctx.clock,
      host: ctx.host,
      concurrency: { pull: remote.tunables.pullConcurrency, push: remote.tunables.pushConcurrency },
      hydration: ctx.config.hydrationStrategy ?? "full",
      indexSplitEntries: indexSplitEntries(ctx.env),
    });
    return new RemoteSession(ctx, remote.location, store, prefix, engine, stateDir);
  }

  /**
   * One sync deadline per command, over its pull and its push (docs/architecture.md, "Deadlines"):
   * `--timeout`, then the config, then SWAMP_DATASTORE_SYNC_TIMEOUT_MS, then 5 min. Dispose it.
   */
  deadline(timeoutFlagSeconds?: number): Deadline {
    return startDeadline(this.ctx.clock, syncDeadline(timeoutFlagSeconds, this.ctx.config, this.ctx.env));
  }

  async pull(options: SyncOptions): Promise<PullResult> {
    // The engine's errors name the store, what failed and the command that fixes it.
    const result = await this.#reported("pull", options, (o) => this.sync.pullChanged(o));
    this.#reportSkipped(result.rejected);
    for (const notice of result.notices ?? []) this.ctx.out.warn(notice);
    await this.#refreshCatalog(result.changed);
    await this.#reportRebased(result.rebased);
    return result;
  }

  /**
   * The pull of a read (docs/architecture.md, "Command line"): the same lease-free pull as
   * `datastore sync --pull`, under the sync deadline, and the store must first answer within
   * FIRST_ANSWER (the meta read, all a read costs when nothing changed), so an unreachable store
   * is told within seconds rather than at the sync deadline.
   */
  async readPull(signal: AbortSignal): Promise<PullResult> {
    const sync = this.deadline();
    // Not a Deadline: its point in time would outlive the first answer in the signal, and the
    // retries of a long pull would stop at it.
    const firstAnswer = new AbortController();
    const answered = new AbortController();
    this.ctx.clock.sleep(FIRST_ANSWER.ms, answered.signal).then(
      () => firstAnswer.abort(new DeadlineExceeded(FIRST_ANSWER)),
      () => {},
    );
    const onProgress = (p: SyncProgress) => {
      if (p.phase !== "index" || p.done > 0) answered.abort();
    };
    try {
      return await this.pull({ signal: anySignal(signal, sync.signal, firstAnswer.signal), onProgress });
    } finally {
      answered.abort();
      sync.dispose();
    }
  }

  /** Each remote entry a pull skipped, then what to do about them (docs/architecture.md, "Keys that cannot be placed"). */
  #reportSkipped(rejected: PullResult["rejected"]): void {
    if (rejected.length === 0) return;
    // Quoted as JSON: a hostile key's control characters or lone surrogates show as escapes.
    for (const bad of rejected)
      this.ctx.out.warn(`Skipped remote entry ${JSON.stringify(bad.key)}: ${bad.reason}.`);
    const what = rejected.length === 1 ? "That entry was" : `Those ${rejected.length} entries were`;
    this.ctx.out.warn(
      `${what} left as this cache had them; everything else was pulled. Every pull tries them again: once the client that wrote them fixes or removes them in ${this.store.description}, run 'swamp datastore sync --pull' to bring the cache up to date.`,
    );
  }

  /** Every pending version renumbered during this command, in order, as commands report them. */
  rebasedDoc(): {
    modelName: string;
    modelType: string;
    modelId: string;
    name: string;
    from: number;
    to: number;
  }[] {
    return this.#rebased.map(({ model, type, id, name, from, to }) => ({
      modelName: model,
      modelType: type,
      modelId: id,
      name,
      from,
      to,
    }));
  }

  /** The version a number written in this command ended up with, after any renumbering. */
  finalVersion(ref: { type: string; id: string; name: string }, version: number): number {
    let final = version;
    for (const r of this.#rebased) {
      if (r.type === ref.type && r.id === ref.id && r.name === ref.name && r.from === final) final = r.to;
    }
    return final;
  }

  async #reportRebased(rebased: readonly RebasedVersion[]): Promise<void> {
    if (rebased.length === 0) return;
    const models = await this.ctx.models().list();
    for (const r of rebased) {
      const model = models.find((m) => m.id === r.id)?.name ?? r.id;
      this.#rebased.push({ ...r, model });
      this.ctx.out.warn(
        `${model}/${r.name}: your v${r.from} is now v${r.to} — another clone wrote v${r.from} first`,
      );
    }
  }

  /** The catalog follows what the pull changed, name by name (a full backfill would cost a walk). */
  async #refreshCatalog(changed: string[]): Promise<void> {
    const names = new Map<string, DataNameKey>();
    for (const rel of changed) {
      const ref = parseDataPath(rel);
      if (ref) names.set(`${ref.type}/${ref.id}/${ref.name}`, ref);
    }
    if (names.size === 0) return;
    // The cache is shared by every checkout of this repo on the machine: their catalogs follow the log.
    await this.ctx.recordChanges([...names.values()]);
    await this.ctx.catalogWriteThrough().namesChanged(names.values());
  }

  /**
   * A namespaced push refuses while solo mode's folders at the cache root still hold data: that
   * data would never reach the bucket, so the user moves it first (docs/architecture.md, "Namespaces").
   */
  async assertMigrated(): Promise<void> {
    if (this.prefix === "") return;
    const found = await findRootData(await this.ctx.cacheStore(), this.ctx.resolver, undefined, 1);
    const dirs = found.map((folder) => folder.subdir);
    if (dirs.length === 0) return;
    throw new SwampError(
      "unmigrated_data",
      `Cannot push: un-migrated data found at root level (${dirs.join(", ")}). Run 'swamp datastore namespace migrate' to preview, then --confirm to move data under the "${this.ctx.namespace}" namespace before pushing.`,
      { directories: dirs },
    );
  }

  async push(options: SyncOptions): Promise<PushResult> {
    await this.assertMigrated();
    if (!this.#catalogPublished) await this.publishCatalog();
    return this.pushWhileMoving(options);
  }

  /**
   * A namespaced push publishes the namespace's catalog in the same commit as its data
   * (docs/architecture.md, "Catalog export"); solo mode publishes nothing. A failure never stops
   * the data's push. Run before `push` (which then does not run it again) when what it writes must
   * count as something to push.
   */
  async publishCatalog(): Promise<void> {
    if (this.prefix === "") return;
    this.#catalogPublished = true;
    try {
      await publishCatalogExport({
        catalog: await this.ctx.catalog(),
        namespace: this.ctx.namespace,
        cacheDir: this.ctx.resolver.datastoreRoot(),
        stateFile: join(this.stateDir, "catalog-export.json"),
        markDirty: (rel) => this.sync.markDirty(rel),
      });
    } catch (e) {
      this.ctx.out.warn(
        `Could not publish the catalog of namespace "${this.ctx.namespace}" (${(e as Error).message}); the data is pushed anyway, and other repos' 'swamp datastore catalog pull' keeps the previous export until then. Run 'swamp datastore sync --push' to publish it again.`,
      );
    }
  }

  /** A push by the command that is moving the root data into the namespace right now (namespace migrate). */
  async pushWhileMoving(options: SyncOptions): Promise<PushResult> {
    const result = await this.#reported("push", options, (o) => this.sync.pushChanged(o)).catch(
      (e: unknown) => {
        // The engine's own errors already name the store and the fix.
        if (e instanceof SwampError) throw e;
        throw failedWhile(
          "sync_failed",
          `push to ${this.store.description}`,
          e,
          "Your changes are kept in the local cache; run 'swamp datastore sync --push' to retry.",
        );
      },
    );
    await this.#refreshCatalog(result.rebased.map((r) => `data/${r.type}/${r.id}/${r.name}/${r.to}/_`));
    await this.#reportRebased(result.rebased);
    return result;
  }

  /** A pull or push whose progress is recorded for `datastore status` and, with -v, told step by step. */
  async #reported<T>(
    direction: "pull" | "push",
    options: SyncOptions,
    run: (options: SyncOptions) => Promise<T>,
  ): Promise<T> {
    const steps = this.ctx.out.verbose ? new SyncSteps(direction, this.ctx.out) : undefined;
    const onProgress = (p: SyncProgress) => {
      this.#progress.record(p);
      steps?.progress(p);
      options.onProgress?.(p);
    };
    let failed = true;
    try {
      const result = await run({ ...options, onProgress });
      failed = false;
      return result;
    } finally {
      steps?.end(failed);
      this.#progress.clear();
    }
  }

  async remoteStatus(): Promise<RemoteStatus> {
    const location = this.location;
    const status = await this.sync.status();
    const running = await this.#progress.read();
    const transfer = running && {
      phase: running.phase,
      done: running.done,
      total: running.total,
      pid: running.pid,
    };
    return {
      store: this.store.description,
      bucket: location.bucket,
      ...(location.prefix ? { prefix: location.prefix } : {}),
      ...(location.endpoint ? { endpoint: location.endpoint } : {}),
      cachePath: this.ctx.datastoreBase,
      hydrationStrategy: this.ctx.config.hydrationStrategy ?? "full",
      pendingPaths: status.pendingPaths,
      pendingBulk: status.pendingBulk,
      ...(status.lastPullAt ? { lastPullAt: status.lastPullAt } : {}),
      ...(status.lastPushAt ? { lastPushAt: status.lastPushAt } : {}),
      ...(status.commitSeq !== undefined ? { commitSeq: status.commitSeq } : {}),
      ...(transfer ? { transfer } : {}),
    };
  }

  /** Fencing before a commit: every lease must still carry our nonce in the bucket (core/use-cases/leased-work.ts). */
  verifyLeases(leases: Lease[], signal: AbortSignal): Promise<void> {
    const inspector = {
      inspect: (key: string, s?: AbortSignal) =>
        new LeaseLock({
          store: this.store,
          key,
          clock: this.ctx.clock,
          host: this.ctx.host,
          random: Math.random,
        }).inspect(s),
    };
    return fenceLeases(inspector, leases, signal);
  }
}
