import { SwampError } from "../../core/errors.ts";
import { lookDeadline } from "../../core/tunables.ts";
import { defineCommand, flag, type OptsOf, text, timeout } from "../command-spec.ts";
import { withinLookDeadline } from "../look-deadline.ts";
import type { Invocation } from "../run.ts";
import { openRepo } from "./shared.ts";

const options = {
  force: flag("--force", "required: confirms you know no swamp command is using the lease"),
  model: text("--model <type/id>", "free this model's lease instead of the global one"),
  ...timeout("give up on a store that has not answered after this many seconds (default 10)"),
};
type Opts = OptsOf<typeof options>;

export const command = defineCommand({
  description: "breakglass: free a stuck lease (the global one, or one model's with --model)",
  examples: ["swamp ds lock release --force", "swamp ds lock release --force --model aws/ec2/vpc/6f0c1d2e-…"],
  options,
  run,
});

/** Breakglass: never takes a lease itself, and frees only the exact lease it inspected (by nonce). */
export async function run(inv: Invocation<Opts>): Promise<void> {
  if (inv.opts.force !== true) {
    throw new SwampError(
      "usage",
      "The --force flag is required to release a lock. This is a breakglass operation — only use it when a lock is stuck: check 'swamp datastore lock status' first, then run 'swamp datastore lock release --force'.",
    );
  }
  const scope = inv.opts.model === undefined ? undefined : parseModelScope(inv.opts.model);
  const budget = lookDeadline(inv.opts.timeout, "swamp datastore lock release");
  const ctx = await openRepo(inv);
  const locks = await ctx.locks();
  const lock = scope ? locks.modelLock(scope.type, scope.id) : locks.globalLock();
  const lockScope = scope ? `${scope.type}/${scope.id}` : "global";
  const { state, released } = await withinLookDeadline(ctx, inv.signal, budget, async (signal) => {
    const seen = await lock.inspect(signal);
    return { state: seen, released: seen !== null && (await lock.forceRelease(seen.info.nonce, signal)) };
  });
  let doc: Record<string, unknown>;
  if (!state) {
    doc = { released: false, reason: "no lock held", lockScope };
  } else if (released) {
    doc = { released: true, previousHolder: state.info, lockScope };
  } else {
    doc = {
      released: false,
      reason: "lock holder changed — aborting to avoid breaking an active lock",
      lockScope,
    };
  }
  inv.out.result(doc, () =>
    doc.released
      ? `Lock Released (${lockScope})\n  Previous holder: ${state?.info.holder} (pid ${state?.info.pid})`
      : `Lock Release (${lockScope}): ${doc.reason}`,
  );
}

function parseModelScope(value: string): { type: string; id: string } {
  const slash = value.lastIndexOf("/");
  if (slash <= 0 || slash === value.length - 1) {
    throw new SwampError(
      "usage",
      `Invalid --model format: "${value}". Expected "type/id" (e.g. aws/ec2/vpc/6f0c1d2e-…, or @org/name/my-server for scoped types); 'swamp datastore lock status' lists the held model leases.`,
    );
  }
  return { type: value.slice(0, slash), id: value.slice(slash + 1) };
}
