import { relative, sep } from "node:path";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type {
  CacheInspection,
  PullResult,
  PushResult,
  SyncOptions,
  SyncService,
  SyncStatus,
} from "../../core/ports/sync-service.ts";
import { CacheFiles } from "./cache-files.ts";
import { inspectCache } from "./cache-inspection.ts";
import { DirtyMarks } from "./dirty-marks.ts";
import { pull } from "./sync-pull.ts";
import { push } from "./sync-push.ts";
import { runSync } from "./sync-run.ts";
import { SyncStateFile } from "./sync-state-file.ts";

export interface SyncEngineConfig {
  store: ObjectStore;
  /** The namespace root in the cache: `{cacheBase}` or `{cacheBase}/{ns}`. */
  cacheDir: string;
  /** Where the namespace lives in the store: "" (solo) or "{ns}/". */
  remotePrefix: string;
  /** The engine's own files (state.json, index.json); never uploaded, even when inside the cache. */
  stateDir: string;
  clock: Clock;
  host: Host;
  /** Transfers in flight at once (a sliding window per direction). */
  concurrency: { pull: number; push: number };
  /** Bounds each pull and each push on its own, besides the caller's signal. */
  deadlineMs?: number;
}

/** What the pull and push halves share. */
export interface EngineParts {
  config: SyncEngineConfig;
  files: CacheFiles;
  state: SyncStateFile;
  marks: DirtyMarks;
}

/**
 * One sync engine for every remote store (DESIGN "Sync", SPEC §5): keeps `cacheDir` and
 * `{remotePrefix}` in the store in agreement through a shard-first index committed by one
 * conditional write. Construct one per namespace.
 */
export class SyncEngine implements SyncService {
  readonly #parts: EngineParts;

  constructor(readonly config: SyncEngineConfig) {
    const state = new SyncStateFile(config.stateDir, config.host, config.clock);
    const inside = relative(config.cacheDir, config.stateDir).split(sep).join("/");
    const reserved = inside === "" || inside.startsWith("..") || inside.startsWith("/") ? [] : [inside];
    this.#parts = {
      config,
      files: new CacheFiles(config.cacheDir, config.host, config.clock, reserved),
      state,
      marks: new DirtyMarks(state),
    };
  }

  pullChanged(options: SyncOptions = {}): Promise<PullResult> {
    return runSync("pull", this.config, options, (run) => pull(this.#parts, run, { preferLocal: false }));
  }

  pushChanged(options: SyncOptions = {}): Promise<PushResult> {
    return runSync("push", this.config, options, (run) => push(this.#parts, run));
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
