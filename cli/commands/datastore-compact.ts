import { defineCommand, type OptsOf } from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "checkpoint the catalog's WAL and vacuum it (takes the global lease)",
  examples: ["swamp ds compact --json"],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const ctx = await openRepo(inv);
  inv.out.info("Checkpointing WAL and vacuuming the catalog (this may take a moment)...");
  // Only the repo-local catalog changes: no pull or push (docs/architecture.md, "Command line").
  const result = await ctx.withStructuralNoSync("datastore compact", inv.signal, async () => {
    const catalog = await ctx.catalogForWrite();
    try {
      return catalog.compact();
    } finally {
      catalog.close();
    }
  });
  // The SQLite catalog's write log is its WAL, counted in pages.
  const doc = {
    walPagesTotal: result.logEntries,
    walPagesCheckpointed: result.logEntriesFolded,
    dbBytesReclaimed: result.bytesReclaimed,
    vacuumSkipped: false,
  };
  inv.out.result(doc, () =>
    [
      `WAL checkpointed and truncated (${doc.walPagesCheckpointed}/${doc.walPagesTotal} pages)`,
      doc.dbBytesReclaimed > 0
        ? `Catalog compacted: reclaimed ${doc.dbBytesReclaimed} bytes`
        : "Catalog already compact",
    ].join("\n"),
  );
}
