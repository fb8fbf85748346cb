// The sync engine's configuration and the parts its pull and push halves share, in a file of their
// own so that sync-engine.ts, sync-pull.ts, sync-push.ts and their helpers import it without
// importing each other.
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import type { CacheFiles } from "./cache-files.ts";
import type { DirtyMarks } from "./dirty-marks.ts";
import type { VersionedMeta } from "./remote-index.ts";
import type { SyncStateFile } from "./sync-state-file.ts";

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
  /**
   * `lazy`: pulls leave version content (`…/{N}/raw`) in the store, to be fetched on demand by
   * `hydrate` (docs/architecture.md, "Lazy hydration"). Default `full`.
   */
  hydration?: "full" | "lazy";
  /** Bounds each pull and each push on its own, besides the caller's signal. */
  deadlineMs?: number;
  /**
   * Above this many entries an index partition is split into buckets (docs/architecture.md,
   * "Split partitions"); default INDEX_SPLIT_ENTRIES. Tests set it small.
   */
  indexSplitEntries?: number;
}

/** What the pull and push halves share. */
export interface EngineParts {
  config: SyncEngineConfig;
  files: CacheFiles;
  state: SyncStateFile;
  marks: DirtyMarks;
  /**
   * The meta this engine last read or committed, in this process: a push takes it as the version
   * its commit is conditional on instead of reading the meta again (docs/architecture.md, "Sync").
   */
  lastMeta?: VersionedMeta | undefined;
}
