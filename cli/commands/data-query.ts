import { SwampError } from "../../core/errors.ts";
import type { CatalogRow } from "../../core/ports/catalog.ts";
import type { ContentReader } from "../../core/ports/content-reader.ts";
import { runQuery } from "../../core/query/query-engine.ts";
import { planQuery } from "../../core/query/query-plan.ts";
import { NO_RESULTS, renderQueryRecords, renderSelectResults } from "../../core/query/render-query.ts";
import { defineCommand, type OptsOf, text } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { nonEmptyOption } from "./selectors.ts";
import { openRepo, parsePositiveInt } from "./shared.ts";

const options = {
  select: text("--select <cel>", "project each result with a CEL expression"),
  limit: text("--limit <n>", "stop after N results"),
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
  const content = contentReader(ctx);
  const outcome = await ctx.readCatalog((catalog) =>
    runQuery({
      catalog,
      content,
      ownNamespace: ctx.namespace,
      plan,
      ...(limit !== undefined ? { limit } : {}),
    }),
  );
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
  inv.out.result(doc, () =>
    renderQueryRecords(outcome.results, { namespaced: ctx.namespace !== "", limited: outcome.limited }),
  );
}

/** Content of own-namespace rows from the datastore; other namespaces' content is not here (yet). */
function contentReader(ctx: RepoContext): ContentReader {
  const repo = ctx.data();
  return {
    read: (row: CatalogRow) =>
      row.namespace === ctx.namespace
        ? repo.readContent({ type: row.typeNormalized, id: row.modelId }, row.dataName, row.version)
        : Promise.resolve(null),
  };
}
