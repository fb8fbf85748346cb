import { relative } from "node:path";
import type { DataMetadata, ModelKey } from "../../core/data-record.ts";
import { SwampError } from "../../core/errors.ts";
import type { DataRepository } from "../../core/ports/data-repository.ts";
import { decodeContent } from "../../core/query/record-content.ts";
import {
  defineCommand,
  modelArgument,
  nameArgument,
  negated,
  type OptsOf,
  selectModel,
  selectName,
  text,
} from "../command-spec.ts";
import type { Invocation } from "../run.ts";
import { offline } from "./offline.ts";
import { formatSize, openRepo, parsePositiveInt, pick, requireModel } from "./shared.ts";

const options = {
  ...selectModel,
  ...selectName,
  version: text("--version <n>", "a specific version"),
  content: negated("--no-content", "omit the content"),
  ...offline,
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "show one version of a data record (latest by default) with its content",
  arguments: [modelArgument, nameArgument],
  examples: [
    "swamp data get vpc main",
    "swamp data get vpc main --version 2 --json",
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
  const ctx = await openRepo(inv);
  await ctx.freshRead(opts.offline, inv.signal);
  const model = await requireModel(ctx, modelRef);
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
  let text = "";
  if (opts.content !== false) {
    const bytes = await repo.readContent(model, meta.name, meta.version);
    const decoded = decodeContent(meta.contentType, bytes);
    doc.content =
      decoded.attributes !== undefined && meta.contentType.includes("json")
        ? decoded.attributes
        : decoded.content;
    text = typeof doc.content === "string" ? doc.content : JSON.stringify(doc.content, null, 2);
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
