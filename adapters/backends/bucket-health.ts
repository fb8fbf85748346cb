import { DeadlineExceeded, exceededDeadline, formatSeconds, unansweredMessage } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import type { DatastoreVerifier, HealthResult } from "../../core/ports/datastore-verifier.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { NETWORK_WORDS } from "../store-decorators/plain-failure.ts";

/**
 * A bucket's health: one listing request (a missing bucket or bad credentials fail it), bounded
 * by the deadline behind `signal`. Opening the store is not part of it: that fails the command.
 */
export class BucketHealth implements DatastoreVerifier {
  constructor(private readonly store: () => Promise<ObjectStore>) {}

  async verify(signal?: AbortSignal): Promise<HealthResult> {
    const store = await this.store();
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      for await (const _ of store.list("_index/", undefined, signal)) break;
      return { healthy: true, message: `${store.description} is reachable`, latencyMs: latencyMs() };
    } catch (e) {
      const ran = exceededDeadline(signal);
      return {
        healthy: false,
        message: ran ? unansweredMessage(store.description, ran) : unhealthy(store.description, e),
        latencyMs: latencyMs(),
        cause: plainCause(ran ?? e),
      };
    }
  }
}

/** The store, then why it failed: in the store's plain words when it has them, else what to check. */
function unhealthy(store: string, error: unknown): string {
  if (error instanceof SwampError && error.reason !== undefined) return `${store}: ${error.message}`;
  const words = (error as Error).message.replace(/\.+$/, "");
  return `${store} is not reachable: ${words}. Check the bucket name, endpoint and credentials.`;
}

/** The root cause of a failed request in a few words: "connection refused", "no answer within 3 s", or the innermost message. */
export function plainCause(error: unknown): string {
  const chain: unknown[] = [];
  for (let e = error; e instanceof Error && chain.length < 10; e = e.cause) chain.push(e);
  for (const e of chain) {
    if (e instanceof DeadlineExceeded) return `no answer within ${formatSeconds(e.budget.ms)}`;
    const code = (e as { code?: unknown }).code;
    const named = typeof code === "string" ? NETWORK_WORDS[code] : undefined;
    const found = named ?? Object.keys(NETWORK_WORDS).find((c) => (e as Error).message.includes(c));
    if (found) return named ?? (NETWORK_WORDS[found] as string);
  }
  const innermost = chain.at(-1);
  return innermost instanceof Error
    ? (innermost.message.split(". ")[0] ?? "").replace(/\.+$/, "")
    : String(error);
}
