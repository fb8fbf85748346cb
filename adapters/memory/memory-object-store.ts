import type { Clock } from "../../core/ports/clock.ts";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";

interface Entry {
  body: Uint8Array;
  version: string;
  modifiedAt: number;
}

/** An ObjectStore in a Map, for tests and in-process tools. Bodies are copied in and out. */
export class MemoryObjectStore implements ObjectStore {
  readonly description = "memory";
  readonly #entries = new Map<string, Entry>();
  #writes = 0;

  constructor(private readonly clock: Clock) {}

  async head(key: string): Promise<ObjectInfo | null> {
    const entry = this.#entries.get(key);
    return entry ? this.#info(key, entry) : null;
  }

  async get(key: string): Promise<StoredObject | null> {
    const entry = this.#entries.get(key);
    return entry ? { ...this.#info(key, entry), body: entry.body.slice() } : null;
  }

  async put(key: string, body: Uint8Array, when?: Precondition): Promise<WriteResult> {
    const failure = this.#check(key, when);
    if (failure) return failure;
    const version = `m${++this.#writes}`;
    this.#entries.set(key, { body: body.slice(), version, modifiedAt: this.clock.now() });
    return { ok: true, version };
  }

  async delete(key: string, when?: { version: string }): Promise<WriteResult> {
    const failure = this.#check(key, when);
    if (failure) return failure;
    const version = this.#entries.get(key)?.version ?? "";
    this.#entries.delete(key);
    return { ok: true, version };
  }

  async *list(prefix: string, after?: string): AsyncIterable<ObjectInfo> {
    const keys = [...this.#entries.keys()]
      .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
      .sort();
    for (const key of keys) {
      const entry = this.#entries.get(key);
      if (entry) yield this.#info(key, entry);
    }
  }

  #check(key: string, when?: Precondition): WriteResult | null {
    if (!when) return null;
    const entry = this.#entries.get(key);
    if ("absent" in when) return entry ? { ok: false, reason: "exists" } : null;
    if (!entry) return { ok: false, reason: "missing" };
    return entry.version === when.version ? null : { ok: false, reason: "changed" };
  }

  #info(key: string, entry: Entry): ObjectInfo {
    return {
      key,
      size: entry.body.byteLength,
      version: entry.version,
      modifiedAt: entry.modifiedAt,
      serverNow: this.clock.now(),
    };
  }
}
