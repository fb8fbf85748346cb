import { MemoryObjectStore } from "../../../adapters/memory/memory-object-store.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";

lockConformance("memory", async (clock) => ({
  store: new MemoryObjectStore(clock),
  cleanup: async () => {},
}));
