import { bucketOf, parseUnit, unitOf } from "../../core/sync/index-buckets.ts";
import { childrenPartition } from "../../core/sync/partition-key.ts";
import type { IndexEntry } from "../../core/sync/sync-index.ts";
import { outOfScope, type SyncScope } from "../../core/sync/sync-keys.ts";
import type { KnownUnits } from "./index-commit.ts";

export interface LocalEntry extends IndexEntry {
  /** The local file's mtime when it was last known to hold exactly this entry's bytes. */
  localMtimeMs?: number;
  /**
   * Version content a lazy pull left in the store (docs/architecture.md, "Lazy hydration"): its
   * absence from the cache is not a local deletion while its version's metadata is here.
   */
  remoteOnly?: true;
}

/**
 * The local index as stored (docs/architecture.md, "Split partitions"): a header line
 * `{version: 2, id, layout}` then one line per unit of that layout, `{"u": unit, "e": {rel: entry}}`.
 * A line is parsed only when one of its entries is asked for, and written back verbatim when none
 * of them changed, so a push of a few paths into a big datastore parses and serialises only the
 * units it touches. Version 1 (one JSON document) is still read.
 */
export class StoredIndex implements KnownUnits {
  readonly #lines: Map<string, string>;
  readonly #parsed = new Map<string, Map<string, LocalEntry>>();

  private constructor(
    readonly id: string,
    /** Each split partition's bucket count the lines are grouped by. */
    readonly layout: ReadonlyMap<string, number>,
    lines: Map<string, string>,
    private readonly scope: SyncScope,
  ) {
    this.#lines = lines;
  }

  /** Null when the text is not an index of either version (a first sync). */
  static parse(text: string, scope: SyncScope): StoredIndex | null {
    const end = text.indexOf("\n");
    const head = JSON.parse(end === -1 ? text : text.slice(0, end)) as {
      version?: unknown;
      id?: unknown;
      layout?: unknown;
      entries?: unknown;
    };
    if (typeof head.id !== "string") return null;
    if (head.version === 1 && typeof head.entries === "object" && head.entries !== null) {
      const entries = Object.entries(head.entries as Record<string, LocalEntry>);
      return StoredIndex.of(
        head.id,
        new Map(entries.filter(([rel]) => !outOfScope(rel, scope))),
        new Map(),
        scope,
      );
    }
    if (head.version !== 2 || typeof head.layout !== "object" || head.layout === null) return null;
    const layout = new Map(Object.entries(head.layout as Record<string, number>));
    const lines = new Map<string, string>();
    for (let at = end + 1; at > 0 && at < text.length; ) {
      const next = text.indexOf("\n", at);
      const line = text.slice(at, next === -1 ? text.length : next);
      at = next + 1;
      if (line === "") continue;
      // A JSON string holds no bare `"`, so the first `,"e":` ends the unit's name.
      const cut = line.indexOf(',"e":');
      if (!line.startsWith('{"u":') || cut === -1) return null;
      lines.set(JSON.parse(line.slice(5, cut)) as string, line);
    }
    return new StoredIndex(head.id, layout, lines, scope);
  }

  /** `entries` grouped by `layout`. */
  static of(
    id: string,
    entries: ReadonlyMap<string, LocalEntry>,
    layout: ReadonlyMap<string, number>,
    scope: SyncScope,
  ): StoredIndex {
    const index = new StoredIndex(id, layout, new Map(), scope);
    index.#setUnits(group(entries, layout));
    return index;
  }

  /** The entries of one stored line. */
  #unit(unit: string): Map<string, LocalEntry> {
    let entries = this.#parsed.get(unit);
    if (entries === undefined) {
      const line = this.#lines.get(unit);
      const doc = line === undefined ? null : (JSON.parse(line) as { e: Record<string, LocalEntry> });
      entries = new Map(Object.entries(doc?.e ?? {}).filter(([rel]) => !outOfScope(rel, this.scope)));
      this.#parsed.set(unit, entries);
    }
    return entries;
  }

  #units(): IterableIterator<string> {
    return this.#lines.keys();
  }

  /** Every entry. */
  all(): Map<string, LocalEntry> {
    const all = new Map<string, LocalEntry>();
    for (const unit of this.#units()) for (const [rel, e] of this.#unit(unit)) all.set(rel, e);
    return all;
  }

  /**
   * At least every entry at or under `scope`'s paths and at `files`: the units they fall in, and
   * any unit whose line names a path under one of them (a folder's entries may be in any bucket).
   */
  covering(scope: readonly string[], files: Iterable<string>): Map<string, LocalEntry> {
    const units = new Set<string>();
    for (const rel of files) units.add(unitOf(rel, this.layout));
    for (const path of scope) {
      units.add(unitOf(path, this.layout));
      const needle = `"${JSON.stringify(`${path}/`).slice(1, -1)}`;
      const pk = childrenPartition(path);
      for (const [unit, line] of this.#lines) {
        if (units.has(unit) || (pk !== null && parseUnit(unit).pk !== pk)) continue;
        if (line.includes(needle)) units.add(unit);
      }
    }
    const found = new Map<string, LocalEntry>();
    for (const unit of units) for (const [rel, e] of this.#unit(unit)) found.set(rel, e);
    return found;
  }

  /** Every partition with an entry. */
  partitions(): Set<string> {
    return new Set([...this.#units()].map((unit) => parseUnit(unit).pk));
  }

  /** The entries of `unit` (a partition or `{pk}/{n}/{i}` of any bucket count). */
  get(unit: string): Map<string, LocalEntry> {
    const { pk, buckets, bucket } = parseUnit(unit);
    if ((this.layout.get(pk) ?? 1) === buckets) return this.#unit(unit);
    const found = new Map<string, LocalEntry>();
    for (const [rel, e] of this.#partition(pk)) if (bucketOf(rel, buckets) === bucket) found.set(rel, e);
    return found;
  }

  #partition(pk: string): Map<string, LocalEntry> {
    const found = new Map<string, LocalEntry>();
    for (const unit of this.#units())
      if (parseUnit(unit).pk === pk) for (const [rel, e] of this.#unit(unit)) found.set(rel, e);
    return found;
  }

  /**
   * This index with `changes` (an entry, or null: gone) under a new id, grouped by `layout`: the
   * partitions whose bucket count changed are regrouped, every other unchanged line kept as is.
   */
  changed(
    id: string,
    changes: ReadonlyMap<string, LocalEntry | null>,
    layout: ReadonlyMap<string, number>,
  ): StoredIndex {
    const next = new StoredIndex(id, layout, new Map(this.#lines), this.scope);
    for (const [unit, entries] of this.#parsed) next.#parsed.set(unit, entries);
    const units = new Map<string, Map<string, LocalEntry>>();
    const regrouped = new Set<string>();
    for (const unit of this.#units()) {
      const { pk } = parseUnit(unit);
      if ((this.layout.get(pk) ?? 1) !== (layout.get(pk) ?? 1)) regrouped.add(pk);
    }
    for (const pk of regrouped) {
      for (const unit of [...next.#units()].filter((u) => parseUnit(u).pk === pk)) next.#drop(unit);
      for (const [unit, entries] of group(this.#partition(pk), layout)) units.set(unit, entries);
    }
    for (const [rel, entry] of changes) {
      const unit = unitOf(rel, layout);
      let entries = units.get(unit);
      if (entries === undefined) {
        entries = new Map(next.#unit(unit));
        units.set(unit, entries);
      }
      if (entry === null) entries.delete(rel);
      else entries.set(rel, entry);
    }
    next.#setUnits(units);
    return next;
  }

  #drop(unit: string): void {
    this.#lines.delete(unit);
    this.#parsed.delete(unit);
  }

  #setUnits(units: ReadonlyMap<string, Map<string, LocalEntry>>): void {
    for (const [unit, entries] of units) {
      this.#drop(unit);
      if (entries.size === 0) continue;
      this.#lines.set(
        unit,
        `{"u":${JSON.stringify(unit)},"e":${JSON.stringify(Object.fromEntries(entries))}}`,
      );
      this.#parsed.set(unit, entries);
    }
  }

  text(): string {
    const head = JSON.stringify({ version: 2, id: this.id, layout: Object.fromEntries(this.layout) });
    return `${[head, ...this.#lines.values()].join("\n")}\n`;
  }
}

function group(
  entries: ReadonlyMap<string, LocalEntry>,
  layout: ReadonlyMap<string, number>,
): Map<string, Map<string, LocalEntry>> {
  const units = new Map<string, Map<string, LocalEntry>>();
  for (const [rel, e] of entries) {
    const unit = unitOf(rel, layout);
    let found = units.get(unit);
    if (!found) {
      found = new Map();
      units.set(unit, found);
    }
    found.set(rel, e);
  }
  return units;
}
