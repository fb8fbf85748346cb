/** Health of a datastore as `datastore status` reports it (docs/architecture.md, "JSON documents"). */
export interface HealthResult {
  healthy: boolean;
  /** What is wrong and how to fix it, or a short "ok" description. */
  message: string;
  latencyMs: number;
}

export interface DatastoreVerifier {
  verify(signal?: AbortSignal): Promise<HealthResult>;
}
