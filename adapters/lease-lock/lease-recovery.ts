import { type Deadline, startDeadline } from "../../core/deadline.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ObjectStore } from "../../core/ports/object-store.ts";
import { LEASE_RELEASE_BUDGET } from "../../core/tunables.ts";
import type { FileLeaseJournal } from "./lease-journal.ts";
import { LeaseLock } from "./lease-lock.ts";

/**
 * Frees the leases that commands of this machine took and never released because they were
 * killed (the journal's entries whose process is gone), each exactly by its nonce, within the
 * release deadline. Returns the keys it freed.
 */
export async function freeLeasesOfGoneProcesses(
  journal: FileLeaseJournal,
  deps: { store: ObjectStore; clock: Clock; host: Host },
): Promise<string[]> {
  // Started by the first release: most commands find nothing to free.
  let deadline: Deadline | undefined;
  try {
    return await journal.recover((key, nonce) => {
      deadline ??= startDeadline(deps.clock, LEASE_RELEASE_BUDGET);
      return new LeaseLock({ ...deps, key, random: Math.random }).forceRelease(nonce, deadline.signal);
    });
  } finally {
    deadline?.dispose();
  }
}
