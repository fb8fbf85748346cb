import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

export async function run(inv: Invocation<Record<string, never>>): Promise<void> {
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
