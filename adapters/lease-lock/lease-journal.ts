import type { Host } from "../../core/ports/host.ts";
import { fsp } from "../fs/lazy-fs.ts";
import { namesIn } from "../fs/native-read.ts";
import { join } from "../fs/paths.ts";

/**
 * Leases this machine's commands are taking or hold, one small file each, written before the
 * lock write and removed after the release (docs/architecture.md, "Leaving"). A command killed
 * with -9 cannot release its lease; the next command of the same repo finds its entry, sees
 * that its process is gone and frees exactly that lease (by nonce), so nothing stays held.
 */
export interface LeaseJournal {
  record(key: string, nonce: string): Promise<void>;
  forget(nonce: string): Promise<void>;
  /**
   * The lock object this machine last freed at `key` of `store`: its version and epoch. The next
   * acquisition writes over exactly that version without reading it first; the write's precondition
   * is the proof that it is still free (docs/architecture.md, "Leases").
   */
  freed?(store: string, key: string): Promise<FreedLock | null>;
  rememberFreed?(store: string, key: string, freed: FreedLock): Promise<void>;
}

export interface FreedLock {
  version: string;
  epoch: number;
}

interface Entry {
  key: string;
  nonce: string;
  pid: number;
  hostname: string;
}

const SUFFIX = ".lease.json";
const FREED_SUFFIX = ".freed.json";

/**
 * Through Bun's file APIs and node:fs/promises only: node:fs alone costs a compiled command about
 * a millisecond and a half to load (see adapters/fs/lazy-fs.ts).
 */
export class FileLeaseJournal implements LeaseJournal {
  constructor(
    readonly dir: string,
    private readonly host: Host,
  ) {}

  async record(key: string, nonce: string): Promise<void> {
    const entry: Entry = { key, nonce, pid: this.host.pid, hostname: this.host.hostname };
    // Bun.write creates the folder when it is missing.
    await Bun.write(this.#path(nonce), JSON.stringify(entry));
  }

  async forget(nonce: string): Promise<void> {
    await fsp().rm(this.#path(nonce), { force: true });
  }

  /**
   * Frees the leases of processes of this host that are gone. `release` frees exactly the lease
   * `key` still holding `nonce` (false when it no longer does); an entry whose release failed
   * (the store unreachable) stays for the next command. Costs one directory read when empty.
   */
  async recover(release: (key: string, nonce: string) => Promise<boolean>): Promise<string[]> {
    const names = namesIn(this.dir);
    const freed: string[] = [];
    for (const name of names.filter((n) => n.endsWith(SUFFIX))) {
      const entry = await readEntry(join(this.dir, name));
      if (entry === null) {
        await fsp().rm(join(this.dir, name), { force: true });
        continue;
      }
      if (entry.hostname !== this.host.hostname || this.host.isPidAlive(entry.pid)) continue;
      const released = await release(entry.key, entry.nonce).catch(() => null);
      if (released === null) continue;
      if (released) freed.push(entry.key);
      await this.forget(entry.nonce);
    }
    return freed;
  }

  async freed(store: string, key: string): Promise<FreedLock | null> {
    try {
      const doc = JSON.parse(await Bun.file(this.#freedPath(store, key)).text()) as Partial<FreedLock> & {
        store?: unknown;
        key?: unknown;
      };
      const ok =
        doc.store === store &&
        doc.key === key &&
        typeof doc.version === "string" &&
        doc.version !== "" &&
        Number.isSafeInteger(doc.epoch);
      return ok ? { version: doc.version as string, epoch: doc.epoch as number } : null;
    } catch {
      return null;
    }
  }

  async rememberFreed(store: string, key: string, freed: FreedLock): Promise<void> {
    try {
      await Bun.write(this.#freedPath(store, key), JSON.stringify({ store, key, ...freed }));
    } catch {
      // Only a saving: the next acquisition reads the lock object, as without it.
    }
  }

  #freedPath(store: string, key: string): string {
    // Bun's hasher: node:crypto costs milliseconds to load, more than a put's own work.
    const id = new Bun.CryptoHasher("sha256").update(`${store}\n${key}`).digest("hex").slice(0, 32);
    return join(this.dir, `${id}${FREED_SUFFIX}`);
  }

  #path(nonce: string): string {
    return join(this.dir, `${nonce.replace(/[^0-9a-zA-Z-]/g, "_")}${SUFFIX}`);
  }
}

async function readEntry(path: string): Promise<Entry | null> {
  try {
    const doc = JSON.parse(await Bun.file(path).text()) as Partial<Entry>;
    const ok =
      typeof doc.key === "string" &&
      typeof doc.nonce === "string" &&
      typeof doc.hostname === "string" &&
      Number.isSafeInteger(doc.pid);
    return ok ? (doc as Entry) : null;
  } catch {
    return null;
  }
}
