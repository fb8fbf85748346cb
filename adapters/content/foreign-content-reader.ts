import type { CatalogRow } from "../../core/ports/catalog.ts";
import type { ContentReader } from "../../core/ports/content-reader.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { ForeignReadLedger, foreignContentKey } from "../../core/query/foreign-content.ts";

/** Reads of other namespaces' content in flight at once, across every caller of one reader. */
export const FOREIGN_READ_CONCURRENCY = 16;

/**
 * Content of another namespace's records, straight from the datastore (the bucket, or the folder
 * datastore): one reader per command, each key read at most once (hits and misses are kept), never
 * written to the cache (docs/architecture.md, "Queries"). A failed read answers null and is noted
 * in `ledger`.
 */
export class ForeignContentReader implements ContentReader {
  readonly ledger: ForeignReadLedger;
  readonly #memo = new Map<string, Promise<Uint8Array | null>>();
  readonly #waiting: (() => void)[] = [];
  #inFlight = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly concurrency = FOREIGN_READ_CONCURRENCY,
  ) {
    this.ledger = new ForeignReadLedger(store.description);
  }

  read(row: CatalogRow): Promise<Uint8Array | null> {
    const key = foreignContentKey(row);
    if (!key.ok) {
      this.ledger.failed(row.namespace, key.reason);
      return Promise.resolve(null);
    }
    let read = this.#memo.get(key.key);
    if (read === undefined) {
      read = this.#fetch(row.namespace, key.key);
      this.#memo.set(key.key, read);
    }
    return read;
  }

  async #fetch(namespace: string, key: string): Promise<Uint8Array | null> {
    await this.#slot();
    try {
      const found = await this.store.get(key);
      if (found === null) {
        this.ledger.failed(namespace, `${key}: not found`);
        return null;
      }
      this.ledger.succeeded();
      return found.body;
    } catch (e) {
      this.ledger.failed(namespace, `${key}: ${(e as Error).message}`);
      return null;
    } finally {
      this.#release();
    }
  }

  async #slot(): Promise<void> {
    if (this.#inFlight < this.concurrency) {
      this.#inFlight++;
      return;
    }
    // The slot passes straight from the releasing read to this one.
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#inFlight--;
  }
}
