import { exceededDeadline, unansweredMessage } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";
import type { DatastoreVerifier, HealthResult } from "../../core/ports/datastore-verifier.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";

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
