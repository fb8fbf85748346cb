/** Health of a datastore as `datastore status` reports it (docs/architecture.md, "JSON documents"). */
export interface HealthResult {
  healthy: boolean;
  /** What is wrong and how to fix it, or a short "ok" description. */
  message: string;
  latencyMs: number;
  /** Why it is unhealthy, in a few plain words ("connection refused"), for one-line views. */
  cause?: string;
}

export interface DatastoreVerifier {
  verify(signal?: AbortSignal): Promise<HealthResult>;
}
