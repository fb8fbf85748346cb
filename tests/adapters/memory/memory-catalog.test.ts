import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { catalogConformance } from "../../conformance/catalog-suite.ts";

catalogConformance("memory", async () => ({ catalog: new MemoryCatalog(), cleanup: async () => {} }));
