import type {
  ObjectInfo,
  ObjectStore,
  Precondition,
  StoredObject,
  WriteResult,
} from "../../core/ports/object-store.ts";
import type { StoreOperation } from "./counting-object-store.ts";

/** One request a store answered (or failed), as the meter records it. */
export interface StoreRequest {
  operation: StoreOperation;
  key: string;
  /** `ok`, `absent` (nothing there), a refused precondition (`exists`, `changed`, `missing`), `3 keys` for a listing, or `error <name>`. */
  outcome: string;
  bytesIn: number;
  bytesOut: number;
  ms: number;
}

/** Where a metered store reports: a monotonic clock in ms, and what to do with each request. */
export interface StoreMeter {
  now(): number;
  record(request: StoreRequest): void;
}

/**
 * Reports every call to `meter` with its outcome, bytes and duration: what `-v` sums up and
 * `SWAMP_LOG=debug` traces (docs/architecture.md, "Command line"). Opened under the retrying
 * decorator, so each attempt is a request of its own. A listing is one request however many
 * pages it reads, timed until the caller stops reading.
 */
export class MeteredObjectStore implements ObjectStore {
  readonly description: string;

  constructor(
    readonly inner: ObjectStore,
    private readonly meter: StoreMeter,
  ) {
    this.description = inner.description;
  }

  head(key: string, signal?: AbortSignal): Promise<ObjectInfo | null> {
    return this.#timed("head", key, 0, this.inner.head(key, signal), (info) => ({
      outcome: info ? "ok" : "absent",
      bytesIn: 0,
    }));
  }

  get(key: string, signal?: AbortSignal): Promise<StoredObject | null> {
    return this.#timed("get", key, 0, this.inner.get(key, signal), (object) => ({
      outcome: object ? "ok" : "absent",
      bytesIn: object?.body.byteLength ?? 0,
    }));
  }

  put(key: string, body: Uint8Array, when?: Precondition, signal?: AbortSignal): Promise<WriteResult> {
    return this.#timed("put", key, body.byteLength, this.inner.put(key, body, when, signal), written);
  }

  delete(key: string, when?: { version: string }, signal?: AbortSignal): Promise<WriteResult> {
    return this.#timed("delete", key, 0, this.inner.delete(key, when, signal), written);
  }

  async *list(prefix: string, after?: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    const started = this.meter.now();
    let keys = 0;
    let outcome: string | undefined;
    try {
      for await (const info of this.inner.list(prefix, after, signal)) {
        keys++;
        yield info;
      }
      outcome = `${keys} key${keys === 1 ? "" : "s"}`;
    } catch (error) {
      outcome = failed(error);
      throw error;
    } finally {
      this.meter.record({
        operation: "list",
        key: prefix,
        outcome: outcome ?? `${keys} key${keys === 1 ? "" : "s"} (stopped early)`,
        bytesIn: 0,
        bytesOut: 0,
        ms: this.meter.now() - started,
      });
    }
  }

  async #timed<T>(
    operation: StoreOperation,
    key: string,
    bytesOut: number,
    call: Promise<T>,
    describe: (value: T) => { outcome: string; bytesIn: number },
  ): Promise<T> {
    const started = this.meter.now();
    const record = (outcome: string, bytesIn: number) =>
      this.meter.record({ operation, key, outcome, bytesIn, bytesOut, ms: this.meter.now() - started });
    try {
      const value = await call;
      const { outcome, bytesIn } = describe(value);
      record(outcome, bytesIn);
      return value;
    } catch (error) {
      record(failed(error), 0);
      throw error;
    }
  }
}

function written(result: WriteResult): { outcome: string; bytesIn: number } {
  return { outcome: result.ok ? "ok" : result.reason, bytesIn: 0 };
}

/** `error NoSuchBucket`, `error ECONNREFUSED`: the name or code of the innermost error (the SDK's). */
function failed(error: unknown): string {
  let inner = error;
  for (let depth = 0; depth < 5 && inner instanceof Error && inner.cause instanceof Error; depth++)
    inner = inner.cause;
  const e = (typeof inner === "object" && inner !== null ? inner : {}) as { name?: unknown; code?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const name = typeof e.name === "string" && e.name !== "Error" ? e.name : undefined;
  return `error ${code ?? name ?? "Error"}`;
}
