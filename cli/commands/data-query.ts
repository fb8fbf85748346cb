import { ForeignContentReader } from "../../adapters/content/foreign-content-reader.ts";
import { SwampError } from "../../core/errors.ts";
import type { CatalogRow } from "../../core/ports/catalog.ts";
import type { ContentReader } from "../../core/ports/content-reader.ts";
import { runQuery } from "../../core/query/query-engine.ts";
import { planQuery } from "../../core/query/query-plan.ts";
import { NO_RESULTS, renderQueryRecords, renderSelectResults } from "../../core/query/render-query.ts";
import { defineCommand, type OptsOf, text } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { offline } from "./offline.ts";
import { nonEmptyOption } from "./selectors.ts";
import { openRepo, parsePositiveInt } from "./shared.ts";

const options = {
  select: text("--select <cel>", "project each result with a CEL expression"),
  limit: text("--limit <n>", "stop after N results"),
  ...offline,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description:
    "query every record with a CEL predicate (latest versions unless it mentions version/isLatest)",
  arguments: [{ syntax: "[predicate]", description: "CEL predicate over the record fields" }],
  examples: [
    "swamp data query 'modelName == \"vpc\"'",
    "swamp data query 'size > 1000 && tags.env == \"prod\"' --select 'name' --json",
    "swamp data query 'attributes.cidr.startsWith(\"10.\")' --limit 5",
    "swamp data query 'name == \"main\" && version >= 2'",
  ],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const predicate = inv.args[0];
  if (predicate === undefined || predicate.trim() === "") {
    throw new SwampError(
      "usage",
      `A CEL predicate is required in non-interactive mode. Example: swamp data query 'modelName == "vpc" && size > 100'`,
    );
  }
  const limit = inv.opts.limit === undefined ? undefined : parsePositiveInt(inv.opts.limit, "--limit");
  const select = nonEmptyOption(
    inv.opts.select,
    "--select",
    "give a CEL expression to print for each record (e.g. --select 'name'), or leave --select out to print whole records.",
  );
  const plan = planQuery(predicate, select);
  const ctx = await openRepo(inv);
  await ctx.freshRead(inv.opts.offline, inv.signal);
  const content = contentReader(ctx);
  const outcome = await ctx.readCatalog((catalog) =>
    runQuery({
      catalog,
      content: content.reader,
      ownNamespace: ctx.namespace,
      keeper: catalog,
      plan,
      ...(limit !== undefined ? { limit } : {}),
    }),
  );
  await content.settle();
  if (outcome.kind === "select") {
    const doc = { results: outcome.results, total: outcome.total, limited: outcome.limited };
    inv.out.result(doc, () => (outcome.results.length ? renderSelectResults(outcome.results) : NO_RESULTS));
    return;
  }
  const results = outcome.results.map(({ attributes: _attributes, ...record }) => ({
    ...record,
    content: record.contentType.includes("json") ? record.content : "",
  }));
  const doc = { predicate, results, total: outcome.total, limited: outcome.limited };
  inv.out.result(doc, () => renderQueryRecords(outcome.results, { limited: outcome.limited }));
}

interface QueryContent {
  reader: ContentReader;
  /** After the query: warns once per namespace whose content could not be read; fails if none could. */
  settle(): Promise<void>;
}

/**
 * The content of this command's query and of every `data.*` call in it: own rows from this repo's
 * data, other namespaces' from the datastore, which is opened on the first such read
 * (docs/architecture.md, "Queries").
 */
function contentReader(ctx: RepoContext): QueryContent {
  const own = ownContent(ctx);
  let foreign: Promise<ForeignContentReader> | undefined;
  const foreignReader = () => {
    foreign ??= ctx.store().then((store) => new ForeignContentReader(store));
    return foreign;
  };
  return {
    reader: {
      read: (row: CatalogRow) =>
        row.namespace === ctx.namespace ? own.read(row) : foreignReader().then((reader) => reader.read(row)),
    },
    async settle() {
      if (foreign === undefined) return;
      const { ledger } = await foreign;
      for (const warning of ledger.warnings()) ctx.out.warn(warning);
      ledger.assertSomeSucceeded();
    },
  };
}

/** This repo's own rows: their content is in its datastore (the folder, or the bucket's cache). */
function ownContent(ctx: RepoContext): ContentReader {
  const repo = ctx.data({ bulkContentReads: true });
  return {
    read: (row: CatalogRow) =>
      repo.readContent({ type: row.typeNormalized, id: row.modelId }, row.dataName, row.version),
  };
}
