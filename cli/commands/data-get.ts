import { writeFileAtomic } from "../../adapters/fs/atomic-file.ts";
import { relative, resolve } from "../../adapters/fs/paths.ts";
import { contentText, contentView } from "../../core/content-view.ts";
import type { DataMetadata, ModelDefinition, ModelKey } from "../../core/data-record.ts";
import { SwampError } from "../../core/errors.ts";
import type { DataRepository } from "../../core/ports/data-repository.ts";
import {
  defineCommand,
  flag,
  modelArgument,
  nameArgument,
  negated,
  type OptsOf,
  selectModel,
  selectName,
  text,
} from "../command-spec.ts";
import { write } from "../flush.ts";
import type { Invocation } from "../run.ts";
import { offline } from "./offline.ts";
import { nonEmptyOption, selectModelType } from "./selectors.ts";
import { formatSize, openRepo, parsePositiveInt, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  ...selectModelType,
  ...selectName,
  version: text("--version <n>", "a specific version"),
  content: negated("--no-content", "omit the content"),
  raw: flag("--raw", "write only the content's bytes to stdout (binary safe, for pipes)"),
  output: text("--output <file>", "write the content's bytes to this file (replaced atomically)"),
  ...offline,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "show one version of a data record (latest by default) with its content",
  arguments: [modelArgument, nameArgument],
  examples: [
    "swamp data get vpc main",
    "swamp data get vpc main --version 2 --json",
    "swamp data get vpc state --raw | jq .",
    "swamp data get blob image --output image.png",
    "swamp data get vpc main --offline   # the local cache as it is, without asking the store",
  ],
  options,
  run,
});

/** Renames leave a tombstone pointing forward; follow at most this many hops. */
const MAX_RENAME_HOPS = 5;

export async function run(inv: Invocation<Opts>): Promise<void> {
  const { opts } = inv;
  const modelRef = pick(inv.args[0], opts.model, "model", "swamp data get vpc main");
  const name = pick(inv.args[1], opts.name, "name", `swamp data get ${modelRef} main`);
  const version = opts.version === undefined ? undefined : parsePositiveInt(opts.version, "--version");
  const output = nonEmptyOption(
    opts.output,
    "--output",
    `give the file to write the content to, e.g. swamp data get ${modelRef} ${name} --output ${name}.out`,
  );
  checkContentOptions(opts, output, inv.out.json, `swamp data get ${modelRef} ${name}`);
  const ctx = await openRepo(inv);
  await ctx.freshRead(opts.offline, inv.signal);
  const model = await requireModel(ctx, modelRef, opts.modelType);
  const repo = ctx.data();
  const meta =
    version === undefined
      ? await latestFollowingRenames(repo, model, name)
      : await repo.get(model, name, version);
  if (!meta) {
    const which = version === undefined ? name : `${name} v${version}`;
    throw new SwampError(
      "not_found",
      `Data not found: ${which} of model ${model.name}. List what exists with 'swamp data list ${model.name}'.`,
    );
  }
  const path = repo.contentFile(model, meta.name, meta.version);
  const doc: Record<string, unknown> = {
    id: meta.id,
    name: meta.name,
    modelId: model.id,
    modelName: model.name,
    modelType: model.type,
    version: meta.version,
    contentType: meta.contentType,
    lifetime: meta.lifetime,
    garbageCollection: meta.garbageCollection,
    streaming: meta.streaming,
    tags: meta.tags,
    ownerDefinition: meta.ownerDefinition,
    createdAt: meta.createdAt,
    ...(meta.size !== undefined ? { size: meta.size } : {}),
    ...(meta.checksum !== undefined ? { checksum: meta.checksum } : {}),
    contentPath: repoRelative(ctx.repoDir, path),
  };
  if (opts.raw === true || output !== undefined) {
    await writeContent(inv, { repo, model, meta, doc }, output);
    return;
  }
  let text = "";
  if (opts.content !== false) {
    const view = contentView(meta.contentType, await repo.readContent(model, meta.name, meta.version));
    Object.assign(doc, view);
    text = contentText(view, meta.size ?? 0, `swamp data get ${model.name} ${meta.name}`);
  }
  inv.out.result(doc, () => {
    const tags = Object.entries(meta.tags).map(([k, v]) => `${k}=${v}`);
    const lines = [
      `Data:     ${meta.name} (v${meta.version})`,
      `Model:    ${model.name} (${model.type})`,
      `Content:  ${meta.contentType}, ${formatSize(meta.size ?? 0)}`,
      `Lifetime: ${meta.lifetime} | GC: ${meta.garbageCollection}`,
      `Tags:     ${tags.join(", ")}`,
      `Owner:    ${meta.ownerDefinition.ownerType} (${meta.ownerDefinition.ownerRef})`,
      `Created:  ${meta.createdAt}`,
      `Path:     ${doc.contentPath}`,
    ];
    return opts.content === false ? lines.join("\n") : `${lines.join("\n")}\n\n${text}`;
  });
}

/** `--raw` (the bytes alone on stdout) or `--output FILE` (the bytes to FILE and a summary). */
async function writeContent(
  inv: Invocation<Opts>,
  {
    repo,
    model,
    meta,
    doc,
  }: { repo: DataRepository; model: ModelDefinition; meta: DataMetadata; doc: object },
  output: string | undefined,
): Promise<void> {
  const bytes = await repo.readContent(model, meta.name, meta.version);
  if (bytes === null) {
    throw new SwampError(
      "not_found",
      `The content of ${meta.name} v${meta.version} is not available here, though its metadata is. Check the datastore with 'swamp doctor'.`,
    );
  }
  if (output === undefined) {
    write("stdout", bytes);
    return;
  }
  const file = resolve(output);
  await writeFileAtomic(file, bytes);
  inv.out.result(
    { ...doc, outputPath: file, bytesWritten: bytes.length },
    () => `Wrote ${meta.name} v${meta.version} of ${model.name} (${bytes.length} bytes) to ${file}`,
  );
}

/** --raw and --output write the content alone, so they exclude each other, --json and --no-content. */
function checkContentOptions(
  opts: Opts,
  output: string | undefined,
  json: boolean,
  getCommand: string,
): void {
  const given = [
    opts.raw === true ? "--raw" : undefined,
    output !== undefined ? "--output" : undefined,
    json && opts.raw === true ? "--json" : undefined,
    opts.content === false && (opts.raw === true || output !== undefined) ? "--no-content" : undefined,
  ].filter((o) => o !== undefined);
  if (given.length > 1) {
    throw new SwampError(
      "usage",
      `${given.join(" and ")} cannot be combined: --raw writes only the content to stdout, --output only to a file. Give one, e.g. ${getCommand} --raw > FILE.`,
    );
  }
}

/** Relative to the repo when inside it; a remote store's cache (outside the repo) stays absolute. */
function repoRelative(repoDir: string, path: string): string {
  const rel = relative(repoDir, path);
  return rel.startsWith("..") ? path : rel;
}

async function latestFollowingRenames(
  repo: DataRepository,
  model: ModelKey,
  name: string,
): Promise<DataMetadata | null> {
  let current = name;
  for (let hop = 0; hop <= MAX_RENAME_HOPS; hop++) {
    const meta = await repo.latest(model, current);
    if (meta?.lifecycle !== "deleted") return meta;
    if (!meta.renamedTo) return null;
    current = meta.renamedTo;
  }
  return null;
}
