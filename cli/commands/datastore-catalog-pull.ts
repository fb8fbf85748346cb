import { anySignal } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import { validateNamespace } from "../../core/namespace.ts";
import { parseTimeoutFlag } from "../../core/tunables.ts";
import { listNamespaces } from "../../core/use-cases/namespace-registry.ts";
import { fetchCatalogExport } from "../catalog-export-fetch.ts";
import { defineCommand, flag, type OptsOf, text, timeout } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {
  namespaces: text("--namespaces <list>", "comma-separated namespaces whose catalogs to pull"),
  all: flag("--all", "pull every other namespace registered in the datastore"),
  ...timeout("give up after this many seconds (default: SWAMP_DATASTORE_SYNC_TIMEOUT_MS or 300)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description:
    "replace other namespaces' rows in this repo's catalog with the catalogs they published (no lease)",
  examples: [
    "swamp datastore catalog pull --namespaces infra",
    "swamp ds catalog pull --namespaces infra,network --json",
    "swamp ds catalog pull --all",
    'swamp ds catalog pull --all && swamp data query \'ns == "infra" && modelName == "vpc"\'',
  ],
  epilogue:
    "\nEach namespace's rows are replaced wholesale in one transaction, so records deleted there disappear here.\nA namespace without an export, or with one that cannot be read, is reported as skipped and keeps its rows.\nThe own namespace is refused: its rows come from its data. 'swamp datastore status' shows when each was pulled.\n",
  options,
  run,
});

/** `--json`: what was pulled and skipped, and the rows now held for the pulled namespaces. */
interface PullDoc {
  pulled: { namespace: string; rows: number }[];
  skipped: { namespace: string; reason: string }[];
  totalRows: number;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const timeoutSeconds = inv.opts.timeout === undefined ? undefined : parseTimeoutFlag(inv.opts.timeout);
  const ctx = await openRepo(inv);
  const remote = await ctx.remote();
  if (!remote) {
    throw new SwampError(
      "sync_not_supported",
      `Catalog pull is only needed with a bucket (S3 or GCS), where each repo's catalog holds only what it pulled. This repo's datastore is a ${ctx.config.kind} folder (${ctx.datastoreBase}): every namespace's data is already in place there, so there is nothing to pull.`,
    );
  }
  const deadline = remote.deadline(timeoutSeconds);
  const signal = anySignal(inv.signal, deadline.signal);
  try {
    const namespaces = await chosenNamespaces(ctx, inv.opts, signal);
    inv.out.info(`Pulling catalogs from ${namespaces.length} namespace(s)...`);
    const catalog = await ctx.catalogForWrite();
    const doc: PullDoc = { pulled: [], skipped: [], totalRows: 0 };
    for (const namespace of namespaces) {
      const found = await fetchCatalogExport(remote.store, namespace, signal);
      if (!found.ok) {
        const reason = skipReason(namespace, found.reason, found.detail, remote.store.description);
        doc.skipped.push({ namespace, reason });
        inv.out.warn(reason);
        continue;
      }
      catalog.replaceForeign(namespace, found.rows, new Date(ctx.clock.now()).toISOString());
      doc.pulled.push({ namespace, rows: found.rows.length });
      doc.totalRows += found.rows.length;
      inv.out.info(`Replaced namespace ${namespace}'s rows: ${found.rows.length} row(s)`);
    }
    inv.out.result(doc, () => summary(doc));
  } finally {
    deadline.dispose();
  }
}

/** The namespaces asked for: `--namespaces` or `--all`, never this repo's own (its rows come from its data). */
async function chosenNamespaces(ctx: RepoContext, opts: Opts, signal: AbortSignal): Promise<string[]> {
  const own = ctx.namespace;
  if ((opts.namespaces === undefined) === !opts.all) {
    throw new SwampError(
      "usage",
      "Name the namespaces to pull: --namespaces a,b, or --all for every other registered namespace (one of the two).",
    );
  }
  if (opts.all) {
    const entries = await listNamespaces(await ctx.store(), own, signal);
    return entries.filter((e) => e.state === "registered" && e.namespace !== own).map((e) => e.namespace);
  }
  const named = [
    ...new Set(
      (opts.namespaces ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (named.length === 0) {
    throw new SwampError(
      "usage",
      "--namespaces needs at least one namespace, e.g. --namespaces infra,network.",
    );
  }
  for (const ns of named) validateNamespace(ns);
  if (own !== "" && named.includes(own)) {
    throw new SwampError(
      "validation_failed",
      `"${own}" is this repo's own namespace: its catalog rows come from its own data, never from an export. Leave it out of --namespaces.`,
    );
  }
  return named;
}

function skipReason(
  namespace: string,
  reason: "missing" | "malformed",
  detail: string,
  where: string,
): string {
  return reason === "missing"
    ? `Namespace ${namespace} has no catalog export in ${where} (${detail}); skipped, nothing changed for it. A repo in ${namespace} publishes one with its next push, or at once with 'swamp datastore sync --push'.`
    : `Namespace ${namespace}'s catalog export in ${where} cannot be read (${detail}); skipped, its rows here are left as they were. Delete that object with your store's tools, then run 'swamp datastore sync --republish' in a repo of ${namespace}: it puts back what the store lost.`;
}

function summary(doc: PullDoc): string {
  const lines = doc.pulled.map((p) => `${p.namespace}: ${p.rows} row(s)`);
  const skipped = doc.skipped.length ? `; skipped ${doc.skipped.map((s) => s.namespace).join(", ")}` : "";
  lines.push(
    `Catalog pull complete: ${doc.totalRows} row(s) from ${doc.pulled.length} namespace(s)${skipped}.`,
  );
  return lines.join("\n");
}
