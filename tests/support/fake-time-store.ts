import type { Clock } from "../../core/ports/clock.ts";
import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";

/**
 * The fake time at which each version of each key was written. Shared by every client of
 * one bucket (one per simulated machine), so they all agree on an object's age.
 */
export class FakeWriteTimes {
  readonly #byKey = new Map<string, Map<string, number>>();

  record(key: string, version: string, at: number): void {
    const versions = this.#byKey.get(key) ?? new Map<string, number>();
    versions.set(version, at);
    this.#byKey.set(key, versions);
  }

  forget(key: string): void {
    this.#byKey.delete(key);
  }

  at(key: string, version: string): number | undefined {
    return this.#byKey.get(key)?.get(version);
  }
}

/**
 * Puts a real server's object times on a fake clock, so lease ages move only when a test
 * advances the clock. Every request, precondition included, still goes to the real server
 * unchanged: only `modifiedAt` and `serverNow` in the answers are rewritten. `modifiedAt`
 * becomes the fake time at which we wrote that version; a version written by someone else
 * keeps the age the server reports, measured back from the fake now; an answer without a
 * `modifiedAt` stays without one.
 */
export class FakeTimeStore implements ObjectStore {
  readonly description: string;

  constructor(
    readonly inner: ObjectStore,
    readonly clock: Clock,
    readonly writes: FakeWriteTimes = new FakeWriteTimes(),
  ) {
    this.description = inner.description;
  }

  async head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    const info = await this.inner.head(key, signal);
    return info && this.#onFakeTime(info);
  }

  async get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    const object = await this.inner.get(key, signal);
    return object && this.#onFakeTime(object);
  }

  async put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    const result = await this.inner.put(key, body, when, signal);
    if (result.ok) this.writes.record(key, result.version, this.clock.now());
    return result;
  }

  async delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    const result = await this.inner.delete(key, when, signal);
    if (result.ok) this.writes.forget(key);
    return result;
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    for await (const info of this.inner.list(prefix, after, signal)) yield this.#onFakeTime(info);
  }

  #onFakeTime<T extends ObjectInfo>(info: T): T {
    const now = this.clock.now();
    if (info.modifiedAt === undefined) return { ...info, serverNow: now };
    const written = this.writes.at(info.key, info.version);
    const modifiedAt = written ?? now - Math.max(0, info.serverNow - info.modifiedAt);
    return { ...info, modifiedAt, serverNow: now };
  }
}
