import type { DataMetadata } from "../../core/data-record.ts";
import { type NameVersions, planGc } from "../../core/gc-plan.ts";
import type { DataRepository } from "../../core/ports/data-repository.ts";
import { confirmed } from "../confirm.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

interface Opts {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const ctx = await openRepo(inv);
  const repo = ctx.data();
  const doc = await ctx.withStructural("data gc", inv.signal, async (lease) => {
    const plan = planGc(await collect(repo), ctx.clock.now());
    const expiredEntries = plan.expired.map((e) => ({
      type: e.model.type,
      modelId: e.model.id,
      dataName: e.name,
      reason: e.reason,
    }));
    const bytes = [...plan.expired.flatMap((e) => e.versions), ...plan.excess.map((e) => e.version)].reduce(
      (n, v) => n + (v.size ?? 0),
      0,
    );
    const total = plan.expired.length + plan.excess.length;
    const go =
      inv.opts.dryRun !== true &&
      total > 0 &&
      (await confirmed(
        inv.out,
        inv.opts.yes || inv.opts.force,
        `Delete ${plan.expired.length} expired record(s) and ${plan.excess.length} old version(s)? Proceed with garbage collection?`,
      ));
    if (!go) {
      return {
        dataEntriesExpired: plan.expired.length,
        versionsDeleted: plan.excess.length,
        bytesReclaimed: bytes,
        dryRun: true,
        expiredEntries,
        walPagesTotal: 0,
        walPagesCheckpointed: 0,
      };
    }
    const catalog = ctx.catalogWriteThrough();
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
    const compacted = await catalog.compact();
    return {
      dataEntriesExpired: plan.expired.length,
      versionsDeleted,
      bytesReclaimed: bytes,
      dryRun: false,
      expiredEntries,
      // The SQLite catalog's write log is its WAL, counted in pages.
      walPagesTotal: compacted.logEntries,
      walPagesCheckpointed: compacted.logEntriesFolded,
    };
  });
  inv.out.result(doc, () => summary(doc));
}

async function collect(repo: DataRepository): Promise<NameVersions[]> {
  const byName = new Map<string, NameVersions>();
  for await (const { model, metadata } of repo.walk()) {
    const key = `${model.type}\0${model.id}\0${metadata.name}`;
    const entry = byName.get(key) ?? { model, name: metadata.name, versions: [] as DataMetadata[] };
    entry.versions.push(metadata);
    byName.set(key, entry);
  }
  return [...byName.values()];
}

function summary(doc: {
  dataEntriesExpired: number;
  versionsDeleted: number;
  bytesReclaimed: number;
  dryRun: boolean;
}): string {
  if (doc.dataEntriesExpired === 0 && doc.versionsDeleted === 0) return "Nothing to clean up.";
  const what = `${doc.dataEntriesExpired} expired record(s), ${doc.versionsDeleted} old version(s), ${doc.bytesReclaimed} bytes`;
  return doc.dryRun
    ? `Would delete ${what}. Run 'swamp data gc --yes' to delete.`
    : `Garbage collection complete: deleted ${what}.`;
}
