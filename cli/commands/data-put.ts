import { readFile } from "node:fs/promises";
import { SwampError } from "../../core/errors.ts";
import { dataPut } from "../../core/use-cases/data-put.ts";
import { defineCommand, flag, list, type OptsOf, text } from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { parseTags } from "./selectors.ts";
import { formatSize, modelLeases, openRepo, pick } from "./shared.ts";

/** `--file -` reads standard input, as `--stdin` does. */
const STDIN = "-";

const options = {
  value: text("--value <text>", "the content, inline"),
  file: text("--file <path>", "read the content from a file ('-' for standard input)"),
  stdin: flag("--stdin", "read the content from standard input"),
  modelType: text(
    "--model-type <type>",
    "the model's type (e.g. aws::ec2::vpc): creates the model when none has this name, chooses when several do; a different type than the existing model's is refused",
  ),
  contentType: text(
    "--content-type <mime>",
    "content type (default: inferred from --file's extension or the value)",
  ),
  kind: text("--kind <kind>", "tags.type: resource, file, log, data or your own", { default: "resource" }),
  spec: text("--spec <specName>", "tags.specName (default: the data name)"),
  tag: list("--tag <key=value>", "extra tag (repeatable)"),
  lifetime: text("--lifetime <lifetime>", "ephemeral, infinite, job, workflow or a duration like 7d", {
    default: "infinite",
  }),
  gc: text("--gc <policy>", "keep N versions, or a duration", { default: "10" }),
  adopt: flag("--adopt", "take over a name written by another owner"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "write a new version of a data record (takes the model's lease)",
  arguments: [
    { syntax: "<model>", description: "model name (or definition id)" },
    { syntax: "<name>", description: "data name" },
  ],
  examples: [
    'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
    "swamp data put vpc plan --file plan.json --tag env=prod",
    "terraform show -json | swamp data put vpc state --file - --content-type application/json",
  ],
  options,
  run,
});

export async function run(inv: Invocation<Opts>): Promise<void> {
  const model = pick(inv.args[0], undefined, "model", "swamp data put vpc main --value '{}'");
  const name = pick(inv.args[1], undefined, "name", `swamp data put ${model} main --value '{}'`);
  const { opts } = inv;
  const sources = [opts.value !== undefined, opts.file !== undefined, opts.stdin === true].filter(
    Boolean,
  ).length;
  if (sources !== 1) {
    throw new SwampError(
      "usage",
      `Give the content with exactly one of --value, --file (--file - for standard input) or --stdin (got ${sources}). Example: swamp data put ${model} ${name} --value '{"cidr":"10.0.0.0/16"}'`,
    );
  }
  const tags = parseTags(opts.tag);
  const ctx = await openRepo(inv);
  const result = await dataPut(
    {
      models: ctx.models(),
      repo: ctx.data(),
      catalog: ctx.catalogWriteThrough(),
      withModelLeases: modelLeases(ctx, inv.signal),
      namespace: ctx.namespace,
    },
    {
      model,
      name,
      content: () => readContent(opts),
      ...(opts.file !== undefined && opts.file !== STDIN ? { fileName: opts.file } : {}),
      ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
      ...(opts.modelType !== undefined ? { modelType: opts.modelType } : {}),
      ...(opts.spec !== undefined ? { spec: opts.spec } : {}),
      kind: opts.kind,
      tags,
      lifetime: opts.lifetime,
      gc: opts.gc,
      adopt: opts.adopt === true,
    },
  );
  // The push may have renumbered this version (its number was taken in the store meanwhile).
  const remote = await ctx.remote();
  const ref = { type: result.modelType, id: result.modelId, name: result.name };
  const doc = {
    ...result,
    version: remote ? remote.finalVersion(ref, result.version) : result.version,
    rebased: remote?.rebasedDoc() ?? [],
  };
  inv.out.result(
    doc,
    () => `Wrote ${doc.name} v${doc.version} (${formatSize(doc.size)}) for ${doc.modelName}`,
  );
}

async function readContent(opts: Opts): Promise<Uint8Array> {
  if (opts.value !== undefined) return new TextEncoder().encode(opts.value);
  if (opts.file !== undefined && opts.file !== STDIN) {
    try {
      return new Uint8Array(await readFile(opts.file));
    } catch (e) {
      throw new SwampError(
        "not_found",
        `Cannot read --file ${opts.file}: ${(e as Error).message}. Check the path.`,
      );
    }
  }
  return new Uint8Array(await Bun.stdin.arrayBuffer());
}
