import { SwampError } from "../../core/errors.ts";
import { type ModelReference, parseModelReference } from "../../core/model-reference.ts";
import { normalizeModelType } from "../../core/model-type.ts";
import type { CatalogRow } from "../../core/ports/catalog.ts";
import { scanAll } from "../../core/query/scan-catalog.ts";
import { defineCommand, modelArgument, type OptsOf, selectModel, text } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import { isTerminal } from "../flush.ts";
import type { Invocation } from "../run.ts";
import { offline } from "./offline.ts";
import { nonEmptyOption, selectModelType } from "./selectors.ts";
import { formatSize, openRepo, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  ...selectModelType,
  type: text("--type <type>", "only this tags.type (log, file, resource, data, …)"),
  ...offline,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "list a model's data (latest version of each name), grouped by type",
  arguments: [modelArgument],
  examples: [
    "swamp data list vpc",
    "swamp data list vpc --type resource --json",
    "swamp data list infra:vpc        # another namespace's (after 'swamp datastore catalog pull')",
    "swamp data list '*:vpc'          # every namespace's, with a NAMESPACE column",
  ],
  options,
  run,
});

const STANDARD_ORDER = ["log", "file", "resource", "data"];

export async function run(inv: Invocation<Opts>): Promise<void> {
  const modelRef = pick(inv.args[0], inv.opts.model, "model", "swamp data list vpc");
  const type = nonEmptyOption(
    inv.opts.type,
    "--type",
    `no data has an empty type. Give one such as resource, file, log or data (e.g. swamp data list ${modelRef} --type resource), or leave --type out to list all.`,
  );
  const ctx = await openRepo(inv);
  await ctx.freshRead(inv.opts.offline, inv.signal);
  const listing = await listingOf(ctx, parseModelReference(modelRef), inv.opts.modelType);
  const rows = listing.rows.filter((row) => type === undefined || row.dataType === type);
  // A NAMESPACE column only when the listing spans namespaces (`*:model`).
  const spans = new Set(rows.map((row) => row.namespace)).size > 1;

  const groups = groupByType(rows).map(([type, items]) => ({
    type,
    dataType: type,
    items: items
      .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.dataName, b.dataName))
      .map((r) => ({
        ...(spans ? { namespace: r.namespace } : {}),
        id: r.id,
        name: r.dataName,
        version: r.version,
        contentType: r.contentType,
        type: r.dataType,
        dataType: r.dataType,
        streaming: r.streaming,
        size: r.size,
        createdAt: r.createdAt,
      })),
  }));
  const doc = { ...listing.header, groups, total: rows.length };
  inv.out.result(doc, () => {
    const title = `Data for ${listing.title}`;
    if (rows.length === 0)
      return `${title}\n  No data yet. Write some with 'swamp data put ${listing.header.modelName} <name> --value …'.`;
    const width = (isTerminal(1) && process.stdout.columns) || 120;
    const nsWidth = Math.max(...rows.map((r) => nsLabel(r.namespace).length));
    const lines = [title];
    for (const group of groups) {
      lines.push(`${group.type} (${group.items.length} item${group.items.length === 1 ? "" : "s"}):`);
      for (const item of group.items) {
        const ns = item.namespace !== undefined ? `${nsLabel(item.namespace).padEnd(nsWidth)}  ` : "";
        const line = `  ${ns}${item.name}  v${item.version}  ${item.contentType}  ${formatSize(item.size)}  ${item.createdAt.slice(0, 10)}`;
        lines.push(line.length > width ? `${line.slice(0, width - 1)}…` : line);
      }
    }
    return lines.join("\n");
  });
}

interface Listing {
  header: {
    modelId: string;
    modelName: string;
    modelType: string;
    namespace?: string;
    namespaces?: string[];
  };
  title: string;
  rows: CatalogRow[];
}

/**
 * The latest rows of a model: the repo's own (a model of its `models/`), or, for `infra:vpc` and
 * `*:vpc`, the catalog's rows of that model name in that namespace or in every namespace
 * (another namespace's rows come from `datastore catalog pull`).
 */
async function listingOf(ctx: RepoContext, ref: ModelReference, modelType?: string): Promise<Listing> {
  if (ref.namespace === undefined || ref.namespace === ctx.namespace) {
    const model = await requireModel(ctx, ref.model, modelType);
    const rows = await ctx.readCatalog((catalog) =>
      scanAll(catalog, {
        latestOnly: true,
        namespace: ctx.namespace,
        typeNormalized: model.type,
        modelId: model.id,
      }),
    );
    return {
      header: {
        modelId: model.id,
        modelName: model.name,
        modelType: model.type,
        ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
      },
      title: `${ctx.namespace ? `${ctx.namespace}:` : ""}${model.name} (${model.type})`,
      rows,
    };
  }
  const namespace = ref.namespace === "*" ? undefined : ref.namespace;
  const rows = await ctx.readCatalog((catalog) =>
    scanAll(catalog, {
      latestOnly: true,
      modelName: ref.model,
      ...(modelType !== undefined ? { typeNormalized: normalizeModelType(modelType) } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
    }),
  );
  const first = rows[0];
  if (first === undefined) {
    const where = namespace === undefined ? "any namespace" : `namespace "${namespace}"`;
    throw new SwampError(
      "not_found",
      `No data of model "${ref.model}" in ${where} in this repo's catalog. Another namespace's records come from 'swamp datastore catalog pull --namespaces <ns>' (or --all); check the model name with 'swamp data query 'modelName == "${ref.model}"' --select ns'.`,
    );
  }
  const namespaces = [...new Set(rows.map((row) => row.namespace))].sort();
  return {
    header: {
      modelId: first.modelId,
      modelName: first.modelName,
      modelType: first.typeNormalized,
      ...(namespaces.length === 1 ? { namespace: first.namespace } : { namespaces }),
    },
    title: `${ref.namespace}:${first.modelName} (${first.typeNormalized})`,
    rows,
  };
}

const nsLabel = (namespace: string) => namespace || "(solo)";

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function groupByType(rows: CatalogRow[]): [string, CatalogRow[]][] {
  const byType = new Map<string, CatalogRow[]>();
  for (const row of rows) {
    const list = byType.get(row.dataType);
    if (list) list.push(row);
    else byType.set(row.dataType, [row]);
  }
  const rank = (t: string) => {
    const i = STANDARD_ORDER.indexOf(t);
    return i === -1 ? STANDARD_ORDER.length : i;
  };
  return [...byType.entries()].sort(([a], [b]) => rank(a) - rank(b) || compare(a, b));
}
