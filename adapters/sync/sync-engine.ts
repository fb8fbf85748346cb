import { relative, sep } from "node:path";
import type {
  CacheInspection,
  HydrateResult,
  PullResult,
  PushResult,
  SyncOptions,
  SyncService,
  SyncStatus,
} from "../../core/ports/sync-service.ts";
import { scopeOf } from "../../core/sync/sync-keys.ts";
import { CacheFiles } from "./cache-files.ts";
import { inspectCache } from "./cache-inspection.ts";
import { DirtyMarks } from "./dirty-marks.ts";
import type { EngineParts, SyncEngineConfig } from "./engine-parts.ts";
import { hydrate, IndexMemo } from "./hydrate.ts";
import { pull } from "./sync-pull.ts";
import { push } from "./sync-push.ts";
import { runSync } from "./sync-run.ts";
import { SyncStateFile } from "./sync-state-file.ts";

export type { SyncEngineConfig } from "./engine-parts.ts";

/**
 * One sync engine for every remote store (docs/architecture.md, "Sync"): keeps `cacheDir` and
 * `{remotePrefix}` in the store in agreement through a shard-first index committed by one
 * conditional write. Construct one per namespace.
 */
export class SyncEngine implements SyncService {
  readonly #parts: EngineParts;
  readonly #index: IndexMemo;

  constructor(readonly config: SyncEngineConfig) {
    const scope = scopeOf(config.remotePrefix);
    const state = new SyncStateFile(config.stateDir, config.host, config.clock, scope);
    const inside = relative(config.cacheDir, config.stateDir).split(sep).join("/");
    const reserved = inside === "" || inside.startsWith("..") || inside.startsWith("/") ? [] : [inside];
    this.#parts = {
      config,
      files: new CacheFiles(config.cacheDir, config.host, config.clock, scope, reserved),
      state,
      marks: new DirtyMarks(state, scope),
    };
    this.#index = new IndexMemo(state);
  }

  async pullChanged(options: SyncOptions = {}): Promise<PullResult> {
    await this.#sweep();
    return runSync("pull", this.config, options, (run) => pull(this.#parts, run, { preferLocal: false }));
  }

  async pushChanged(options: SyncOptions = {}): Promise<PushResult> {
    await this.#sweep();
    return runSync("push", this.config, options, (run) => push(this.#parts, run));
  }

  hydrate(paths: readonly string[] | null, options: SyncOptions = {}): Promise<HydrateResult> {
    return runSync("pull", this.config, options, (run) => hydrate(this.#parts, run, this.#index, paths));
  }

  /** What interrupted commands left in the staging and state dirs: a listing each, also when nothing moves. */
  async #sweep(): Promise<void> {
    await Promise.all([this.#parts.files.sweepStaging(), this.#parts.state.sweepTemps()]);
  }

  markDirty(relPath: string | null): void {
    this.#parts.marks.mark(relPath);
  }

  async status(): Promise<SyncStatus> {
    const state = this.#parts.state.readState();
    const pending = this.#parts.marks.pending(state);
    const status: SyncStatus = { pendingPaths: pending.paths.size, pendingBulk: pending.bulk };
    if (state.lastPullAt !== undefined) status.lastPullAt = state.lastPullAt;
    if (state.lastPushAt !== undefined) status.lastPushAt = state.lastPushAt;
    if (state.commitSeq >= 0) status.commitSeq = state.commitSeq;
    return status;
  }

  inspectCache(signal?: AbortSignal): Promise<CacheInspection> {
    return inspectCache(this.#parts, signal);
  }
}
