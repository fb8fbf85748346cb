import type { SyncProgress } from "../core/ports/sync-service.ts";
import type { Output } from "./output.ts";
import { plural, type TrafficTally, trafficBetween } from "./store-traffic.ts";

type Direction = "pull" | "push";

/** What a phase did, in words, from its last progress report. */
function phaseWords(direction: Direction, { phase, done }: SyncProgress): string {
  switch (phase) {
    case "index":
      return "read the index";
    case "download":
      return `downloaded ${plural(done, "file")}`;
    case "upload":
      return `uploaded ${plural(done, "file")}`;
    case "delete":
      return direction === "pull"
        ? `removed ${plural(done, "local file")} deleted remotely`
        : `deleted ${plural(done, "remote file")}`;
    case "commit":
      return "committed the index";
    case "copy":
      return `copied ${plural(done, "file")}`;
  }
}

/**
 * The steps of one pull or push for `-v` (docs/architecture.md, "Command line"): a line when each
 * phase ends with the store requests, bytes and time it took, then the sync's own total. Counts
 * every request of the command meanwhile (a lease's heartbeat included).
 */
export class SyncSteps {
  readonly #started: TrafficTally;
  /** Where the current phase began: the start, then the end of the phase before. */
  #from: TrafficTally;
  #last?: SyncProgress;

  constructor(
    private readonly direction: Direction,
    private readonly out: Output,
  ) {
    this.#started = out.traffic.tally();
    this.#from = this.#started;
  }

  progress(p: SyncProgress): void {
    if (this.#last && this.#last.phase !== p.phase) this.#close();
    this.#last = p;
  }

  /** The last phase's line and the total; `failed` when the sync did not finish. */
  end(failed: boolean): void {
    this.#close();
    const total = trafficBetween(this.#started, this.out.traffic.tally());
    this.out.debug(`${this.direction}: ${failed ? "stopped" : "done"} (${total})`);
  }

  #close(): void {
    if (!this.#last) return;
    const now = this.out.traffic.tally();
    this.out.debug(
      `${this.direction}: ${phaseWords(this.direction, this.#last)} (${trafficBetween(this.#from, now)})`,
    );
    this.#from = now;
    this.#last = undefined;
  }
}
