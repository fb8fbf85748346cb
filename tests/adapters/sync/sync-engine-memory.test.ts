import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { syncConformance } from "../../conformance/sync-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

syncConformance("memory", async () => ({
  store: new MemoryObjectStore(new FakeClock()),
  cleanup: async () => {},
}));

// Every partition over two entries split into buckets (docs/architecture.md, "Split partitions").
syncConformance("memory, split partitions", async () => ({
  store: new MemoryObjectStore(new FakeClock()),
  cleanup: async () => {},
  indexSplitEntries: 2,
}));
