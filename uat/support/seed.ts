import { FsDataRepository } from "../../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../../adapters/system/system-clock.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import type { ModelDefinition } from "../../core/data-record.ts";

/** Records written at once while seeding. */
const SEED_CONCURRENCY = 50;
/** Each record is three files: `1/raw`, `1/metadata.yaml` and the name's `latest` marker. */
export const FILES_PER_RECORD = 3;

/**
 * Writes `records` small records straight into a filesystem datastore (`{repo}/.swamp` by
 * default), spread over a few models, the way `data put` lays them out but without starting
 * a process per record. Some contents are binary, one is empty. Returns how many files it made.
 */
export async function seedRecords(datastoreDir: string, records: number, label = "seed"): Promise<number> {
  const repo = new FsDataRepository(datastoreDir, { clock: systemClock, host: systemHost() });
  const models: ModelDefinition[] = [1, 2, 3, 4].map((n) => ({
    type: `uat/${label}/kind-${n}`,
    id: crypto.randomUUID(),
    name: `${label}-${n}`,
  }));
  for (let start = 0; start < records; start += SEED_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SEED_CONCURRENCY, records - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((i) => {
        const model = models[i % models.length] as ModelDefinition;
        return repo.write(model, `r-${String(i).padStart(5, "0")}`, contentFor(i), {
          contentType: i % 7 === 0 ? "application/octet-stream" : "application/json",
          lifetime: "infinite",
          garbageCollection: 10,
          streaming: false,
          tags: { type: "resource", modelName: model.name, specName: `r-${i}` },
          ownerDefinition: { ownerType: "manual", ownerRef: `cli:${model.name}` },
        });
      }),
    );
  }
  return records * FILES_PER_RECORD;
}

function contentFor(i: number): Uint8Array {
  if (i === 1) return new Uint8Array();
  if (i % 7 === 0) return Uint8Array.from({ length: 64 + (i % 50) }, (_, k) => (i * 31 + k * 7) & 0xff);
  return new TextEncoder().encode(JSON.stringify({ i, note: `record ${i} ✓`, pad: "x".repeat(i % 97) }));
}
