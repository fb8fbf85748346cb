import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { objectStoreConformance } from "../../conformance/object-store-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

objectStoreConformance("memory", async () => ({
  store: new MemoryObjectStore(new FakeClock()),
  cleanup: async () => {},
}));
