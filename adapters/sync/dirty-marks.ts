import { escapesRoot, normalizePosix } from "../../core/posix-path.ts";
import { checkScopedRel, leftOutQuietly, type SyncScope } from "../../core/sync/sync-keys.ts";
import type { SyncState, SyncStateFile } from "./sync-state-file.ts";

/** More distinct dirty paths than this and the next push walks the whole cache instead. */
export const MAX_DIRTY_PATHS = 1_000;

export interface Pending {
  paths: Set<string>;
  bulk: boolean;
}

/**
 * The dirty set (docs/architecture.md, "The dirty set"): persisted before markDirty returns, so a
 * crash leaves the cache dirty. This process also remembers its own marks, so another process
 * sharing the cache that pushes (and clears the file) in the middle of our write cannot make our
 * push skip them.
 */
export class DirtyMarks {
  readonly #own = new Set<string>();
  #ownBulk = false;

  /** `scope`: marks outside it (solo mode's marks in a namespace's folder) are not this engine's. */
  constructor(
    private readonly state: SyncStateFile,
    private readonly scope: SyncScope,
  ) {}

  mark(relPath: string | null): void {
    const rel = relPath === null ? null : normalizePosix(relPath.replace(/^\.\//, ""));
    const reason =
      rel === null || rel === "." || escapesRoot(rel) ? "outside" : checkScopedRel(rel, this.scope);
    if (leftOutQuietly(reason)) return;
    if (rel === null || reason !== null) {
      this.#markBulk();
      return;
    }
    if (this.#ownBulk || this.#own.has(rel)) return;
    this.#own.add(rel);
    this.state.update((state) => {
      if (state.bulk) return;
      const dirty = new Set(state.dirty).add(rel);
      if (dirty.size > MAX_DIRTY_PATHS) {
        state.bulk = true;
        state.dirty = [];
      } else state.dirty = [...dirty];
    });
  }

  /** What the next push must cover: the persisted set plus this process's own marks. */
  pending(state: SyncState): Pending {
    const bulk = state.bulk || this.#ownBulk || this.#own.size > MAX_DIRTY_PATHS;
    return { paths: bulk ? new Set() : new Set([...state.dirty, ...this.#own]), bulk };
  }

  /** After a successful push of `pushed`: those marks are done (marks made since stay). */
  settled(pushed: Pending): (state: SyncState) => void {
    for (const rel of pushed.paths) this.#own.delete(rel);
    if (pushed.bulk) {
      this.#ownBulk = false;
      this.#own.clear();
    }
    return (state) => {
      if (pushed.bulk) {
        state.bulk = false;
        state.dirty = [];
      } else state.dirty = state.dirty.filter((rel) => !pushed.paths.has(rel));
    };
  }

  #markBulk(): void {
    if (this.#ownBulk) return;
    this.#ownBulk = true;
    this.state.update((state) => {
      state.bulk = true;
      state.dirty = [];
    });
  }
}
