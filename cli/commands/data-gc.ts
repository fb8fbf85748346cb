import { dataGc } from "../../core/use-cases/data-gc.ts";
import { confirm, defineCommand, dryRun, type OptsOf } from "../command-spec.ts";
import { confirmed } from "../confirm.ts";
import type { Invocation } from "../run.ts";
import { globalLease, openRepo } from "./shared.ts";

const options = { ...dryRun, ...confirm };
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "delete expired data and versions beyond each record's gc policy (takes the global lease)",
  examples: ["swamp data gc --dry-run", "swamp data gc --yes --json"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const ctx = await openRepo(inv);
  const result = await dataGc(
    {
      repo: ctx.data(),
      catalog: ctx.catalogWriteThrough(),
      withGlobalLease: globalLease(ctx, inv.signal),
      clock: ctx.clock,
    },
    {
      dryRun: inv.opts.dryRun === true,
      confirm: ({ expired, excess }) =>
        confirmed(
          inv.out,
          inv.opts.yes || inv.opts.force,
          `Delete ${expired} expired record(s) and ${excess} old version(s)? Proceed with garbage collection?`,
        ),
    },
  );
  // A dry run (or a declined one) says what it would delete, never that it deleted.
  const counts = result.dryRun
    ? { wouldDelete: result.versionsDeleted, wouldReclaimBytes: result.bytesReclaimed }
    : { versionsDeleted: result.versionsDeleted, bytesReclaimed: result.bytesReclaimed };
  const doc = {
    dataEntriesExpired: result.expired.length,
    ...counts,
    dryRun: result.dryRun,
    expiredEntries: result.expired.map((e) => ({
      type: e.model.type,
      modelType: e.model.type,
      modelId: e.model.id,
      name: e.name,
      dataName: e.name,
      reason: e.reason,
    })),
    // The SQLite catalog's write log is its WAL, counted in pages.
    walPagesTotal: result.compacted?.logEntries ?? 0,
    walPagesCheckpointed: result.compacted?.logEntriesFolded ?? 0,
  };
  inv.out.result(doc, () => summary(result));
}

function summary(result: {
  expired: unknown[];
  versionsDeleted: number;
  bytesReclaimed: number;
  dryRun: boolean;
}): string {
  if (result.expired.length === 0 && result.versionsDeleted === 0) return "Nothing to clean up.";
  const what = `${result.expired.length} expired record(s), ${result.versionsDeleted} old version(s), ${result.bytesReclaimed} bytes`;
  return result.dryRun
    ? `Would delete ${what}. Run 'swamp data gc --yes' to delete.`
    : `Garbage collection complete: deleted ${what}.`;
}
