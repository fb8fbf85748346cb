// The remote benchmark's data: exactly FILE_COUNT files of about 1 KB in a repo's `.swamp/data`,
// shaped as real records so that swamp's pull (which refreshes the catalog) reads them as data.
// The repo also holds each name's `latest` marker, as a real one does; markers are derived and
// never synced (docs/architecture.md), so they are not among the files any client moves.
import { cpSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import type { ModelDefinition } from "../core/data-record.ts";
import { forEachConcurrent } from "./seed.ts";

const MODELS = 4;
const NAMES_PER_MODEL = 125;
const VERSIONS = 2;
/** Each version is a `raw` and a `metadata.yaml`. */
export const FILE_COUNT = MODELS * NAMES_PER_MODEL * VERSIONS * 2;
const RAW_BYTES = 1024;
/** A tag that brings `metadata.yaml` to about 1 KB too. */
const METADATA_PADDING = 560;
const WRITE_CONCURRENCY = 32;

export interface SeededFiles {
  files: number;
  bytes: number;
  seconds: number;
}

/** Writes the records under `{swampDir}/data` and checks that exactly FILE_COUNT files landed. */
export async function seedDataFiles(swampDir: string): Promise<SeededFiles> {
  const started = performance.now();
  const repo = new FsDataRepository(swampDir, { clock: systemClock, host: systemHost() });
  const models: ModelDefinition[] = Array.from({ length: MODELS }, (_, k) => ({
    type: "bench/remote",
    id: crypto.randomUUID(),
    name: `remote-${k}`,
  }));
  const encoder = new TextEncoder();
  // Versions of one name are written in turn; names in parallel.
  for (let version = 1; version <= VERSIONS; version++) {
    await forEachConcurrent(MODELS * NAMES_PER_MODEL, WRITE_CONCURRENCY, async (i) => {
      const model = models[i % MODELS] as ModelDefinition;
      const name = `file-${Math.floor(i / MODELS)}`;
      const head = JSON.stringify({ i, version, pad: "" });
      const body = head.replace('"pad":""', `"pad":"${"x".repeat(RAW_BYTES - head.length)}"`);
      await repo.write(model, name, encoder.encode(body), {
        contentType: "application/json",
        lifetime: "infinite",
        garbageCollection: 10,
        streaming: false,
        tags: { type: "resource", modelName: model.name, padding: "p".repeat(METADATA_PADDING) },
        ownerDefinition: { ownerType: "manual", ownerRef: `bench:${model.name}` },
      });
    });
  }
  const { files, bytes } = countFiles(join(swampDir, "data"));
  if (files !== FILE_COUNT)
    throw new Error(`seeded ${files} files under ${swampDir}/data, expected ${FILE_COUNT}`);
  return { files, bytes, seconds: (performance.now() - started) / 1000 };
}

/** A name's `latest` marker: derived, never synced. */
const isMarker = (path: string) => basename(path) === "latest";

/** Regular files and their total size under `dir`, `latest` markers left out. */
export function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || isMarker(entry.name)) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

/** Copies the seeded files (no `latest` markers) from `{swampDir}/data` to `{dest}/data`: what the peers move. */
export function copyDataFiles(swampDir: string, dest: string): void {
  cpSync(join(swampDir, "data"), join(dest, "data"), {
    recursive: true,
    filter: (source) => !isMarker(source),
  });
}
