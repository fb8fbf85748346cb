import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { SyncProgress } from "../../core/ports/sync-service.ts";
import { processTempName } from "../../core/temp-files.ts";

export interface TransferRecord extends SyncProgress {
  pid: number;
  updatedAt: number;
}

/** How often a running transfer rewrites its progress, and how long a silent one is believed. */
const WRITE_EVERY_MS = 250;
const BELIEVE_FOR_MS = 10_000;

/**
 * The progress of a sync running in this process, in a small file next to the cache, so that
 * `swamp ds status` in another terminal can show it.
 */
export class TransferProgressFile {
  #lastWrite = 0;

  constructor(
    private readonly path: string,
    private readonly clock: Pick<Clock, "now">,
    private readonly host: Pick<Host, "pid" | "isPidAlive" | "uuid">,
  ) {}

  record(progress: SyncProgress): void {
    // Reading the index is not a transfer: a sync with nothing to move writes nothing at all.
    if (progress.phase === "index" || progress.total === 0) return;
    const now = this.clock.now();
    if (now - this.#lastWrite < WRITE_EVERY_MS && progress.done !== progress.total) return;
    this.#lastWrite = now;
    const record: TransferRecord = { ...progress, pid: this.host.pid, updatedAt: now };
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      // Swept by the next sync once this process is gone (docs/architecture.md, "Temporary files").
      const tmp = join(dirname(this.path), processTempName(this.host.pid, this.host.uuid()));
      writeFileSync(tmp, JSON.stringify(record));
      renameSync(tmp, this.path);
    } catch {
      // Progress is cosmetic: never fail a transfer over it.
    }
  }

  clear(): void {
    if (this.#lastWrite === 0) return;
    this.#lastWrite = 0;
    rmSync(this.path, { force: true });
  }

  /** The transfer running now in a live process, if any. */
  async read(): Promise<TransferRecord | undefined> {
    const text = await readFile(this.path, "utf8").catch(() => null);
    if (!text) return undefined;
    try {
      const record = JSON.parse(text) as TransferRecord;
      const fresh = this.clock.now() - record.updatedAt < BELIEVE_FOR_MS;
      return fresh && this.host.isPidAlive(record.pid) ? record : undefined;
    } catch {
      return undefined;
    }
  }
}
