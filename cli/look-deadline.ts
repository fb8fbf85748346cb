import {
  anySignal,
  exceededDeadline,
  startDeadline,
  type TimeBudget,
  unansweredMessage,
} from "../core/deadline.ts";
import { SwampError } from "../core/errors.ts";
import type { RepoContext } from "./context.ts";

/**
 * Runs `look` under the short deadline of a command that only looks at the store (lease status,
 * breakglass release): when it runs out, the error names the store and the flag that raises it.
 */
export async function withinLookDeadline<T>(
  ctx: RepoContext,
  interrupt: AbortSignal,
  budget: TimeBudget,
  look: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = startDeadline(ctx.clock, budget);
  const signal = anySignal(interrupt, deadline.signal);
  try {
    return await look(signal);
  } catch (error) {
    const ran = exceededDeadline(signal);
    if (!ran) throw error;
    throw new SwampError(ran.budget.code, unansweredMessage((await ctx.store()).description, ran), {
      deadlineMs: ran.budget.ms,
    });
  } finally {
    deadline.dispose();
  }
}
