import type { CatalogRow } from "../../core/ports/catalog.ts";
import { scanAll } from "../../core/query/scan-catalog.ts";
import { defineCommand, modelArgument, type OptsOf, selectModel, text } from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { nonEmptyOption } from "./selectors.ts";
import { formatSize, openRepo, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  type: text("--type <type>", "only this tags.type (log, file, resource, data, …)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "list a model's data (latest version of each name), grouped by type",
  arguments: [modelArgument],
  examples: ["swamp data list vpc", "swamp data list vpc --type resource --json"],
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
  const model = await requireModel(ctx, modelRef);
  const rows = (
    await ctx.readCatalog((catalog) =>
      scanAll(catalog, {
        latestOnly: true,
        namespace: ctx.namespace,
        typeNormalized: model.type,
        modelId: model.id,
      }),
    )
  ).filter((row) => type === undefined || row.dataType === type);

  const groups = groupByType(rows).map(([type, items]) => ({
    type,
    items: items
      .sort((a, b) => (a.dataName < b.dataName ? -1 : a.dataName > b.dataName ? 1 : 0))
      .map((r) => ({
        id: r.id,
        name: r.dataName,
        version: r.version,
        contentType: r.contentType,
        type: r.dataType,
        streaming: r.streaming,
        size: r.size,
        createdAt: r.createdAt,
      })),
  }));
  const doc = {
    modelId: model.id,
    modelName: model.name,
    modelType: model.type,
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
    groups,
    total: rows.length,
  };
  inv.out.result(doc, () => {
    const title = `Data for ${ctx.namespace ? `${ctx.namespace}:` : ""}${model.name} (${model.type})`;
    if (rows.length === 0)
      return `${title}\n  No data yet. Write some with 'swamp data put ${model.name} <name> --value …'.`;
    const width = process.stdout.columns ?? 120;
    const lines = [title];
    for (const group of groups) {
      lines.push(`${group.type} (${group.items.length} item${group.items.length === 1 ? "" : "s"}):`);
      for (const item of group.items) {
        const line = `  ${item.name}  v${item.version}  ${item.contentType}  ${formatSize(item.size)}  ${item.createdAt.slice(0, 10)}`;
        lines.push(line.length > width ? `${line.slice(0, width - 1)}…` : line);
      }
    }
    return lines.join("\n");
  });
}

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
  return [...byType.entries()].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
