import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";
import { skewedClock } from "../../support/skewed-clock-store.ts";
import { withoutModifiedAt } from "../../support/timeless-store.ts";

const SEVEN_MINUTES = 7 * 60_000;

lockConformance("memory", async (clock) => ({
  store: new MemoryObjectStore(clock),
  cleanup: async () => {},
}));

// Ages come from the metadata (a HEAD) when a read does not say, as on a GCS server without Last-Modified.
lockConformance("memory, reads without modification times", async (clock) => ({
  store: withoutModifiedAt(new MemoryObjectStore(clock), ["get", "list"]),
  cleanup: async () => {},
}));

for (const skew of [SEVEN_MINUTES, -SEVEN_MINUTES]) {
  lockConformance(`memory, store clock ${skew > 0 ? "ahead" : "behind"} by 7 min`, async (clock) => ({
    store: skewedClock(new MemoryObjectStore(clock), skew),
    cleanup: async () => {},
  }));
}
