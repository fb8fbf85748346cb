import { readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { parseDataPath } from "../../core/data-path.ts";
import type { RebasedVersion } from "../../core/ports/sync-service.ts";
import { slidingWindow } from "../../core/sliding-window.ts";
import type { IndexEntry } from "../../core/sync/sync-index.ts";
import { LATEST_MARKER, planRebase, VERSION_METADATA } from "../../core/sync/version-files.ts";
import { refreshLatestMarker } from "../fs/latest-marker.ts";
import { formatMetadata, parseMetadataText } from "../fs/metadata-file.ts";
import type { EngineParts } from "./engine-parts.ts";
import { hashFile } from "./hash-file.ts";

/** Markers rewritten at once (disk, not network). */
const MARKERS_AT_ONCE = 16;
const VERSION_DIR = /^[1-9]\d{0,15}$/;
/** Numbers tried past a directory taken meanwhile (a writer in another process) before giving up. */
const CLAIM_ATTEMPTS = 100;

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/**
 * The versions of a data name in the cache, as the sync engine moves them (docs/architecture.md,
 * "Pending versions"): a version whose metadata matches no index entry was written here and never
 * committed. When another clone committed its number first, it is renumbered: one rename of its
 * directory claims the new number (a version is complete or absent at every moment), then its
 * metadata is rewritten to match. Readers take the number from the directory, so a crash between
 * the two steps loses nothing.
 */
export class PendingVersions {
  constructor(private readonly parts: EngineParts) {}

  /**
   * Moves the pending versions of `nameRel` above `floor` (the highest number held elsewhere),
   * keeping their order. `known` are the index views (remote, last synced) a committed version
   * appears in; `held` the numbers others hold (the remote's, or the ones a push found taken).
   */
  async rebase(
    nameRel: string,
    known: readonly ReadonlyMap<string, IndexEntry>[],
    held: ReadonlySet<number>,
    floor: number,
    signal: AbortSignal,
  ): Promise<RebasedVersion[]> {
    const dir = await this.#dir(nameRel);
    if (dir === null) return [];
    const committed = (version: number, sha256: string) =>
      known.some((index) => index.get(`${nameRel}/${version}/${VERSION_METADATA}`)?.sha256 === sha256);
    const local = [...(await completeVersions(dir))].map(([version, sha256]) => ({
      version,
      settled: committed(version, sha256),
    }));
    const moves = planRebase(local, held, floor);
    if (moves.length === 0) return [];
    this.parts.marks.mark(nameRel);
    const ref = parseDataPath(`${nameRel}/_`);
    const rebased: RebasedVersion[] = [];
    for (const move of moves) {
      signal.throwIfAborted();
      const to = await this.#move(dir, move.from, move.to);
      if (ref) rebased.push({ type: ref.type, id: ref.id, name: ref.name, from: move.from, to });
    }
    return rebased;
  }

  /** Rewrites each name's `latest` marker from its version directories (markers are never synced). */
  async refreshLatest(nameRels: Iterable<string>): Promise<void> {
    const { host, clock } = this.parts.config;
    // Each name under its own mutex: names at once, as a pull's downloads are.
    await slidingWindow([...new Set(nameRels)], MARKERS_AT_ONCE, async (nameRel) => {
      const dir = await this.#dir(nameRel);
      if (dir === null) return;
      const top = await refreshLatestMarker(dir, "exact", { host, now: clock.now() });
      // With no version left, the directories the marker leaves empty go too.
      if (top === null) await this.parts.files.remove(join(dir, LATEST_MARKER));
    });
  }

  async #dir(nameRel: string): Promise<string | null> {
    const target = await this.parts.files.resolveDir(nameRel);
    return "reason" in target ? null : target.path;
  }

  async #move(dir: string, from: number, planned: number): Promise<number> {
    for (let to = planned, attempt = 1; ; to++, attempt++) {
      try {
        await rename(join(dir, String(from)), join(dir, String(to)));
      } catch (e) {
        const taken = errno(e) === "ENOTEMPTY" || errno(e) === "EEXIST";
        if (taken && attempt < CLAIM_ATTEMPTS) continue;
        throw e;
      }
      await this.#renumberMetadata(join(dir, String(to), VERSION_METADATA), to);
      return to;
    }
  }

  async #renumberMetadata(path: string, version: number): Promise<void> {
    const meta = parseMetadataText(await Bun.file(path).text());
    if (typeof meta !== "object" || meta === null) return;
    const body = formatMetadata({ ...(meta as object), version });
    await this.parts.files.writeAtomic(path, new TextEncoder().encode(body));
  }
}

/** Complete versions (a directory holding metadata.yaml) by number, ascending, with their metadata's sha256. */
async function completeVersions(dir: string): Promise<Map<number, string>> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const numbers = names.filter((name) => VERSION_DIR.test(name)).map(Number);
  const hashes = await Promise.all(
    numbers.map((n) => hashFile(join(dir, String(n), VERSION_METADATA)).catch(() => null)),
  );
  const found = new Map<number, string>();
  numbers.forEach((n, i) => {
    const sha = hashes[i];
    if (sha) found.set(n, sha);
  });
  return new Map([...found].sort(([a], [b]) => a - b));
}
