import { exceededDeadline, unansweredMessage } from "../../core/deadline.ts";
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
        message: ran
          ? unansweredMessage(store.description, ran)
          : `${store.description} is not reachable: ${(e as Error).message}. Check the bucket name, endpoint and credentials.`,
        latencyMs: latencyMs(),
      };
    }
  }
}
