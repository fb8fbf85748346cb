import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { SyncScope } from "../../core/sync/sync-keys.ts";
import { processTempName } from "../../core/temp-files.ts";
import { removeStaleTempsIn, writerGoneOn } from "../fs/stale-temps.ts";
import { type LocalEntry, StoredIndex } from "./local-index.ts";

export type { LocalEntry } from "./local-index.ts";

/**
 * The engine's local state, in its state dir and never uploaded:
 * - `state.json`: what the cache was last synced to (commitSeq, meta version, each partition's
 *   shard), the dirty set and the bulk flag. Written synchronously so markDirty is persisted
 *   before it returns; every write re-reads the file, so writers in one process never undo
 *   each other's changes.
 * - `index.json`: every entry of the remote index as of the last sync, plus the local mtime of
 *   files known to match it, one line per unit (local-index.ts). It is trusted only when its id
 *   matches the one in state.json, so a crash between the two writes (or two processes
 *   interleaving) falls back to the slow path.
 * Missing or corrupt files never throw: they mean "first sync".
 */
export interface SyncState {
  version: 3;
  /** -1: unknown (never synced, or the local index is not trusted). */
  commitSeq: number;
  /** The highest commitSeq this clone has seen, kept across a republish (docs/architecture.md). */
  seenSeq: number;
  /** The store's version of `_index/_meta.json` as of the last sync; null when it had none. */
  metaVersion: string | null;
  /**
   * Each partition's shard as of the last sync. An empty sha256: the partition was read but some of
   * its entries could not be brought in (docs/architecture.md, "Keys that cannot be placed"), so
   * the next pull reads it again.
   */
  partitions: Record<string, { key: string; sha256: string }>;
  dirty: string[];
  bulk: boolean;
  /** Pairs this state with one index.json; null when no index has been recorded. */
  indexId: string | null;
  lastPullAt?: string;
  lastPushAt?: string;
}

export interface Snapshot {
  state: SyncState;
  /** The local index when it is trusted; null means "first sync". */
  index: Map<string, LocalEntry> | null;
}

const STATE_FILE = "state.json";
const INDEX_FILE = "index.json";

export function freshState(): SyncState {
  return {
    version: 3,
    commitSeq: -1,
    seenSeq: 0,
    metaVersion: null,
    partitions: {},
    dirty: [],
    bulk: false,
    indexId: null,
  };
}

/** Whether every partition of the last sync was brought in whole (the zero-diff fast path may answer). */
export function everyPartitionSynced(state: SyncState): boolean {
  return Object.values(state.partitions).every((ref) => ref.sha256 !== "");
}

export class SyncStateFile {
  /** `scope`: index entries outside it (left by older builds) are never read back. */
  constructor(
    readonly stateDir: string,
    private readonly host: Host,
    private readonly clock: Pick<Clock, "now">,
    private readonly scope: SyncScope,
  ) {}

  readState(): SyncState {
    try {
      return parseState(readFileSync(join(this.stateDir, STATE_FILE), "utf8")) ?? freshState();
    } catch {
      return freshState();
    }
  }

  /** Applies `change` to the state on disk (re-read first) and writes it atomically. */
  update(change: (state: SyncState) => void): SyncState {
    const state = this.readState();
    change(state);
    mkdirSync(this.stateDir, { recursive: true });
    const path = join(this.stateDir, STATE_FILE);
    const tmp = this.#temp();
    try {
      writeFileSync(tmp, `${JSON.stringify(state)}\n`);
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
    return state;
  }

  /**
   * Whether index.json is the one state.json was recorded with, without parsing it: the fast
   * paths (zero-diff pull, clean push) must stay cheap however large the index grows.
   */
  async indexTrusted(state: SyncState): Promise<boolean> {
    if (state.indexId === null) return false;
    const head = await readHead(join(this.stateDir, INDEX_FILE), 160);
    return head.includes(`"id":${JSON.stringify(state.indexId)}`);
  }

  /** The state and its local index as stored, read a unit at a time; null means "first sync". */
  async open(): Promise<{ state: SyncState; stored: StoredIndex | null }> {
    const state = this.readState();
    if (state.indexId === null) return { state, stored: null };
    try {
      const stored = StoredIndex.parse(await readFile(join(this.stateDir, INDEX_FILE), "utf8"), this.scope);
      return { state, stored: stored?.id === state.indexId ? stored : null };
    } catch {
      return { state, stored: null };
    }
  }

  async snapshot(): Promise<Snapshot> {
    const { state, stored } = await this.open();
    return { state, index: stored?.all() ?? null };
  }

  /**
   * Removes what interrupted commands left in the state dir (docs/architecture.md, "Temporary
   * files"): one listing. The dir is this machine's alone, so a temp whose process ended goes at once.
   */
  async sweepTemps(): Promise<void> {
    await removeStaleTempsIn(this.stateDir, this.clock.now(), writerGoneOn(this.host));
  }

  #temp(): string {
    return join(this.stateDir, processTempName(this.host.pid, this.host.uuid()));
  }

  /** An index holding nothing, grouped by nothing. */
  emptyIndex(): StoredIndex {
    return StoredIndex.of("", new Map(), new Map(), this.scope);
  }

  /**
   * Writes a new index.json of `entries` (grouped by `layout`, the bucket counts of the meta synced)
   * and returns its id; record it in state.json afterwards.
   */
  writeIndex(entries: ReadonlyMap<string, LocalEntry>, layout: ReadonlyMap<string, number>): Promise<string> {
    return this.writeStored((id) => StoredIndex.of(id, entries, layout, this.scope));
  }

  /**
   * Writes the index `build` makes under a new id, and returns that id. (The pull or push writing
   * it swept the state dir's temps when it started: see sweepTemps.)
   */
  async writeStored(build: (id: string) => StoredIndex): Promise<string> {
    const id = this.host.uuid();
    const text = build(id).text();
    await mkdir(this.stateDir, { recursive: true });
    const path = join(this.stateDir, INDEX_FILE);
    const tmp = this.#temp();
    try {
      await writeFile(tmp, text);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return id;
  }
}

async function readHead(path: string, bytes: number): Promise<string> {
  const file = await open(path, "r").catch(() => null);
  if (file === null) return "";
  try {
    const buffer = new Uint8Array(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return new TextDecoder().decode(buffer.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

function parseState(text: string): SyncState | null {
  const doc = JSON.parse(text) as Partial<SyncState> | null;
  if (doc?.version !== 3) return null;
  if (!Number.isSafeInteger(doc.commitSeq)) return null;
  if (!Array.isArray(doc.dirty) || !doc.dirty.every((p) => typeof p === "string")) return null;
  if (typeof doc.partitions !== "object" || doc.partitions === null) return null;
  return {
    ...freshState(),
    ...doc,
    metaVersion: typeof doc.metaVersion === "string" ? doc.metaVersion : null,
    indexId: typeof doc.indexId === "string" ? doc.indexId : null,
    bulk: doc.bulk === true,
    seenSeq: Number.isSafeInteger(doc.seenSeq) ? (doc.seenSeq as number) : Math.max(0, doc.commitSeq ?? 0),
  } as SyncState;
}
