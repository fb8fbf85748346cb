import { manifestKey } from "../../core/namespace-manifest.ts";
import { renderTable } from "../../core/text-table.ts";
import { lookDeadline } from "../../core/tunables.ts";
import { listNamespaces, type NamespaceEntry } from "../../core/use-cases/namespace-registry.ts";
import { defineCommand, type OptsOf, timeout } from "../command-spec.ts";
import { withinLookDeadline } from "../look-deadline.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {
  ...timeout("give up on a store that has not answered after this many seconds (default 10)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "list the namespaces registered in the datastore (never takes a lease)",
  examples: [
    "swamp datastore namespace list",
    "swamp ds namespaces --json",
    "swamp ds namespace list --json | jq -r '.namespaces[].namespace'",
  ],
  options,
  run,
});

/** One namespace as `namespace list --json` prints it; repoId and registeredAt are "" when unknown. */
interface NamespaceRow {
  namespace: string;
  repoId: string;
  registeredAt: string;
  isCurrent: boolean;
  state: NamespaceEntry["state"];
  /** What is wrong with its manifest and what to do; absent when registered. */
  problem?: string;
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const budget = lookDeadline(inv.opts.timeout, "swamp datastore namespace list");
  const ctx = await openRepo(inv);
  const store = await ctx.store();
  const current = ctx.namespace;
  const entries = await withinLookDeadline(ctx, inv.signal, budget, (signal) =>
    listNamespaces(store, current, signal),
  );
  const rows = entries.map((entry) => rowOf(entry, current, store.description));
  const doc = { namespaces: rows, ...(current ? { currentNamespace: current } : {}) };
  inv.out.result(doc, () => {
    if (rows.length === 0) return inv.out.quiet ? "" : "No namespaces registered in this datastore.";
    const table = renderTable(
      rows.map((r) => [
        r.namespace,
        r.repoId || "-",
        r.registeredAt.slice(0, 10) || "-",
        r.isCurrent ? "*" : "",
      ]),
      { header: ["NAMESPACE", "REPO", "REGISTERED", "CURRENT"] },
    );
    const problems = rows.flatMap((r) => (r.problem ? [inv.out.paint("33", r.problem)] : []));
    return [table, ...problems].join("\n");
  });
}

function rowOf(entry: NamespaceEntry, current: string, where: string): NamespaceRow {
  const { namespace } = entry;
  const isCurrent = namespace === current;
  const known = entry.state === "registered" ? entry.manifest : { repoId: "", registeredAt: "" };
  const row = {
    namespace,
    repoId: known.repoId,
    registeredAt: known.registeredAt,
    isCurrent,
    state: entry.state,
  };
  if (entry.state === "registered") return row;
  const key = `${manifestKey(namespace)} in ${where}`;
  if (entry.state === "corrupt") {
    return {
      ...row,
      problem: `${namespace}: its manifest ${key} cannot be read (${entry.reason}); nobody can register "${namespace}" until it is fixed, and nothing else is affected. Delete that object with your store's tools, then run 'swamp datastore namespace set ${namespace}' in the repo that uses it.`,
    };
  }
  return {
    ...row,
    problem: isCurrent
      ? `${namespace}: this repo's namespace has no manifest (${key}); it keeps working, but another repo could claim "${namespace}". Run 'swamp datastore namespace set ${namespace}' to register it again.`
      : `${namespace}: data but no manifest (${key}); any repo could claim "${namespace}". Run 'swamp datastore namespace set ${namespace}' in the repo that uses it to register it.`,
  };
}
