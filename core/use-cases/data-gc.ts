import type { DataMetadata, ModelKey } from "../data-record.ts";
import { type NameVersions, planGc } from "../gc-plan.ts";
import type { CompactionStats } from "../ports/catalog.ts";
import type { Clock } from "../ports/clock.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import type { CatalogWriteThrough } from "./catalog-write-through.ts";
import type { WithGlobalLease } from "./model-leases.ts";

export interface DataGcDeps {
  repo: DataRepository;
  catalog: CatalogWriteThrough;
  withGlobalLease: WithGlobalLease;
  clock: Pick<Clock, "now">;
}

export interface DataGcInput {
  dryRun: boolean;
  /**
   * Asked, under the lease, once there is something to delete (and not on a dry run): whether to
   * go ahead. False previews.
   */
  confirm: (counts: { expired: number; excess: number }) => Promise<boolean>;
}

export interface DataGcResult {
  /** Names whose lifetime ran out. */
  expired: { model: ModelKey; name: string; reason: "duration-expired" }[];
  /** Versions beyond their name's policy. */
  excess: number;
  /** Versions deleted; on a preview, the excess versions that would be. */
  versionsDeleted: number;
  /** Bytes of every version planned for deletion. */
  bytesReclaimed: number;
  dryRun: boolean;
  /** The catalog's compaction after the deletions; none on a preview. */
  compacted: CompactionStats | null;
}

/**
 * `swamp data gc` (docs/architecture.md, "Writing data"): under the global lease, deletes the
 * names whose lifetime has expired, then the versions beyond each name's `garbageCollection`
 * policy (core/gc-plan.ts), checking the lease before each deletion; then compacts the catalog.
 */
export async function dataGc(deps: DataGcDeps, input: DataGcInput): Promise<DataGcResult> {
  const { repo, catalog } = deps;
  return deps.withGlobalLease(async (lease) => {
    const plan = planGc(await collectVersions(repo), deps.clock.now());
    const expired = plan.expired.map((e) => ({ model: e.model, name: e.name, reason: e.reason }));
    const bytesReclaimed = [
      ...plan.expired.flatMap((e) => e.versions),
      ...plan.excess.map((e) => e.version),
    ].reduce((n, v) => n + (v.size ?? 0), 0);
    const total = plan.expired.length + plan.excess.length;
    // Nothing to delete is a real run that deleted nothing, not a preview: no question to ask.
    const go =
      !input.dryRun &&
      (total === 0 || (await input.confirm({ expired: plan.expired.length, excess: plan.excess.length })));
    const result = { expired, excess: plan.excess.length, bytesReclaimed };
    if (!go) return { ...result, versionsDeleted: plan.excess.length, dryRun: true, compacted: null };
    let versionsDeleted = 0;
    for (const e of plan.expired) {
      lease.assertHeld();
      versionsDeleted += await repo.deleteName(e.model, e.name);
      await catalog.nameDeleted(e.model, e.name);
    }
    for (const e of plan.excess) {
      lease.assertHeld();
      versionsDeleted += await repo.deleteVersion(e.model, e.name, e.version.version);
      await catalog.versionDeleted(e.model, e.name, e.version.version);
    }
    return { ...result, versionsDeleted, dryRun: false, compacted: await catalog.compact() };
  }, "data gc");
}

/** Every version in the datastore, grouped by name. */
async function collectVersions(repo: DataRepository): Promise<NameVersions[]> {
  const byName = new Map<string, NameVersions>();
  for await (const { model, metadata } of repo.walk()) {
    const key = `${model.type}\0${model.id}\0${metadata.name}`;
    const entry = byName.get(key) ?? { model, name: metadata.name, versions: [] as DataMetadata[] };
    entry.versions.push(metadata);
    byName.set(key, entry);
  }
  return [...byName.values()];
}
