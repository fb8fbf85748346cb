import type { StoreOperation } from "../adapters/store-decorators/counting-object-store.ts";
import type { StoreMeter, StoreRequest } from "../adapters/store-decorators/metered-object-store.ts";
import { formatSize } from "../core/size-text.ts";

/** Requests and bytes so far; subtract two to get a step's share. */
export interface TrafficTally {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  at: number;
}

/**
 * The store requests of one command (docs/architecture.md, "Command line"): counted for the
 * steps and the total `-v` prints, and traced one line each to `trace` (`SWAMP_LOG=debug`).
 */
export class StoreTraffic implements StoreMeter {
  readonly #byOperation: Record<StoreOperation, number> = { head: 0, get: 0, put: 0, delete: 0, list: 0 };
  #bytesIn = 0;
  #bytesOut = 0;

  constructor(private readonly trace?: (line: string) => void) {}

  now(): number {
    return performance.now();
  }

  record(request: StoreRequest): void {
    this.#byOperation[request.operation]++;
    this.#bytesIn += request.bytesIn;
    this.#bytesOut += request.bytesOut;
    this.trace?.(traceLine(request));
  }

  tally(): TrafficTally {
    return {
      requests: Object.values(this.#byOperation).reduce((sum, n) => sum + n, 0),
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      at: this.now(),
    };
  }

  /** `31 requests (20 get, 1 list, 10 put), 20.0KB in, 1.2KB out`; null before the first request. */
  total(): string | null {
    const { requests } = this.tally();
    if (requests === 0) return null;
    const kinds = Object.entries(this.#byOperation)
      .filter(([, n]) => n > 0)
      .map(([operation, n]) => `${n} ${operation}`);
    return `${plural(requests, "request")} (${kinds.join(", ")}), ${formatSize(this.#bytesIn)} in, ${formatSize(this.#bytesOut)} out`;
  }
}

/** What happened between two tallies: `3 requests, 1.2KB in, 12 ms` (bytes left out when none moved). */
export function trafficBetween(from: TrafficTally, to: TrafficTally): string {
  const parts = [plural(to.requests - from.requests, "request")];
  if (to.bytesIn > from.bytesIn) parts.push(`${formatSize(to.bytesIn - from.bytesIn)} in`);
  if (to.bytesOut > from.bytesOut) parts.push(`${formatSize(to.bytesOut - from.bytesOut)} out`);
  parts.push(`${Math.round(to.at - from.at)} ms`);
  return parts.join(", ");
}

/** `store get _index/_meta.json → ok (312B in, 12 ms)`. */
function traceLine(r: StoreRequest): string {
  const bytes = [
    r.bytesIn > 0 && `${formatSize(r.bytesIn)} in`,
    r.bytesOut > 0 && `${formatSize(r.bytesOut)} out`,
  ];
  const detail = [...bytes.filter(Boolean), `${Math.round(r.ms)} ms`].join(", ");
  return `store ${r.operation} ${r.key || "(root)"} → ${r.outcome} (${detail})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
