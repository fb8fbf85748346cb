import { globalLockKey, parseModelLockKey } from "../../core/lock-keys.ts";
import { lookDeadline } from "../../core/tunables.ts";
import { defineCommand, type OptsOf, timeout } from "../command-spec.ts";
import type { RepoContext } from "../context.ts";
import { withinLookDeadline } from "../look-deadline.ts";
import type { Invocation } from "../run.ts";
import { describeLease } from "../status/lease-text.ts";
import { type LeaseDoc, leaseDoc } from "../status/status-snapshot.ts";
import { openRepo } from "./shared.ts";

const options = {
  ...timeout("give up on a store that has not answered after this many seconds (default 10)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "show the global lease and every per-model lease (never takes a lease)",
  examples: ["swamp ds lock status", "swamp ds lock status --json | jq .global"],
  options,
  run,
});

/**
 * Every lease of a namespace (this repo's unless told) as one document, never several
 * concatenated ones (docs/architecture.md, "JSON documents").
 */
export async function leaseDocs(
  ctx: RepoContext,
  signal?: AbortSignal,
  namespace = ctx.namespace,
): Promise<{ global: LeaseDoc; models: LeaseDoc[] }> {
  const states = await (await ctx.locks(namespace)).inspectAll(signal);
  return {
    global: leaseDoc(globalLockKey(namespace), states.global),
    models: states.models.map((s) => {
      const model = parseModelLockKey(namespace, s.key);
      return leaseDoc(s.key, s, model ? `${model.type}/${model.id}` : s.key);
    }),
  };
}

export async function run(inv: Invocation<Opts>): Promise<void> {
  const budget = lookDeadline(inv.opts.timeout, "swamp datastore lock status");
  const ctx = await openRepo(inv);
  const doc = {
    datastoreType: ctx.config.kind,
    namespace: ctx.namespace,
    ...(await withinLookDeadline(ctx, inv.signal, budget, (signal) => leaseDocs(ctx, signal))),
  };
  inv.out.result(doc, () => {
    const lines = [`Global lease (${doc.global.key}): ${describeLease(doc.global)}`];
    if (doc.global.held && doc.global.info && !doc.global.corrupt) {
      const i = doc.global.info;
      lines.push(
        `  Holder:   ${i.holder}`,
        `  PID:      ${i.pid}`,
        `  Hostname: ${i.hostname}`,
        `  Acquired: ${i.acquiredAt} · renewed ${i.renewedAt}`,
        `  TTL:      ${i.ttlMs}ms · epoch ${i.epoch}${i.operation ? ` · ${i.operation}` : ""}`,
      );
    }
    if (doc.models.length === 0) lines.push("Model leases: none held");
    for (const m of doc.models) lines.push(`Model lease ${m.lockScope}: ${describeLease(m)}`);
    return lines.join("\n");
  });
}
