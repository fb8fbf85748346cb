import { parseDataPath } from "../data-path.ts";
import { SwampError } from "../errors.ts";
import { isNamespaceSlug } from "../namespace.ts";
import type { CatalogRow } from "../ports/catalog.ts";
import { checkRemoteRel } from "../sync/sync-keys.ts";

/**
 * Content of another namespace's records, read from the datastore on demand (docs/architecture.md,
 * "Queries"): the key of a row's `raw`, and what a command reports when reading it fails.
 */

export type ForeignKey = { ok: true; key: string } | { ok: false; reason: string };

/**
 * `{ns}/data/{type…}/{modelId}/{name}/{version}/raw`, relative to the datastore's root; refused
 * unless every part is what the layout allows, so a hostile row can never name a key outside
 * `{ns}/data/`.
 */
export function foreignContentKey(row: CatalogRow): ForeignKey {
  const { namespace, typeNormalized: type, modelId, dataName, version } = row;
  if (!isNamespaceSlug(namespace)) return { ok: false, reason: `"${namespace}" is not a namespace` };
  if (!Number.isSafeInteger(version) || version < 1) return { ok: false, reason: `bad version ${version}` };
  const rel = `data/${type}/${modelId}/${dataName}/${version}/raw`;
  const problem = checkRemoteRel(rel);
  if (problem !== null) return { ok: false, reason: `bad key ${JSON.stringify(rel)}: ${problem}` };
  const parsed = parseDataPath(rel);
  if (parsed === null || parsed.type !== type || parsed.id !== modelId || parsed.name !== dataName) {
    return { ok: false, reason: `bad key ${JSON.stringify(rel)}: not a data version's path` };
  }
  return { ok: true, key: `${namespace}/${rel}` };
}

interface NamespaceTally {
  failed: number;
  firstReason: string;
}

/**
 * What one command's foreign reads came to: each failure is noted, reported once per namespace
 * afterwards, and the record it belongs to simply does not match; only when every read failed is
 * the whole command's answer wrong, so it fails.
 */
export class ForeignReadLedger {
  readonly #failures = new Map<string, NamespaceTally>();
  #succeeded = 0;

  /** @param store how the datastore names itself in messages (e.g. `s3://bucket/prefix`). */
  constructor(private readonly store: string) {}

  succeeded(): void {
    this.#succeeded++;
  }

  failed(namespace: string, reason: string): void {
    const tally = this.#failures.get(namespace);
    if (tally) tally.failed++;
    else this.#failures.set(namespace, { failed: 1, firstReason: reason });
  }

  /** One warning per namespace that had a failed read. */
  warnings(): string[] {
    return [...this.#failures].map(
      ([ns, { failed, firstReason }]) =>
        `Could not read the content of ${failed} record(s) of namespace "${ns}" from ${this.store} (${firstReason}); they count as not matching. If ${ns}'s data changed, refresh its rows with 'swamp datastore catalog pull --namespaces ${ns}'; if the datastore is unreachable, check it with 'swamp datastore status'.`,
    );
  }

  /**
   * Throws when reads were needed and none succeeded: the answer would say nothing about the data.
   * The warnings name each namespace's problem; the error says what to do.
   */
  assertSomeSucceeded(): void {
    if (this.#failures.size === 0 || this.#succeeded > 0) return;
    const namespaces = [...this.#failures.keys()].sort().join(",");
    throw new SwampError(
      "query_failed",
      `The query needed the content of other namespaces' records and every read of it from ${this.store} failed, so it has no answer. Check the datastore with 'swamp datastore status', refresh those rows with 'swamp datastore catalog pull --namespaces ${namespaces}', then run the query again.`,
    );
  }
}
