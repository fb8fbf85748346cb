import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { publishCatalogExport } from "../../cli/catalog-export-publish.ts";
import { decodeExportPart } from "../../core/catalog-export.ts";
import { catalogRow, seedRows } from "../conformance/catalog-suite.ts";

const PART_1 = ".catalog-export/aws/ec2/vpc/model-1.json.gz";
const PART_2 = ".catalog-export/aws/ec2/vpc/model-2.json.gz";

describe("publishCatalogExport", () => {
  let dir: string;
  let catalog: MemoryCatalog;
  let dirty: string[];
  const publish = () => {
    dirty = [];
    return publishCatalogExport({
      catalog,
      namespace: "infra",
      cacheDir: join(dir, "cache"),
      stateFile: join(dir, "state.json"),
      markDirty: (rel) => {
        dirty.push(rel);
      },
    });
  };
  const partRows = (rel: string) =>
    decodeExportPart(gunzipSync(readFileSync(join(dir, "cache", rel))).toString(), "infra", rel);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "catalog-export-"));
    catalog = new MemoryCatalog();
    seedRows(catalog, [
      catalogRow({ namespace: "infra" }),
      catalogRow({ namespace: "infra", version: 2 }),
      catalogRow({ namespace: "infra", modelId: "model-2" }),
      catalogRow({ namespace: "security", dataName: "not-ours" }),
    ]);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("the first publish writes the manifest and one part per model of the namespace, each marked dirty", async () => {
    expect(await publish()).toMatchObject({ rows: 3, parts: 2, written: 2, removed: 0 });
    expect(dirty.sort()).toEqual([".catalog-export.json", PART_1, PART_2]);
    expect(partRows(PART_1).map((r) => r.version)).toEqual([1, 2]);
  });

  test("nothing changed: nothing is written or marked", async () => {
    await publish();
    expect(await publish()).toMatchObject({ written: 0, removed: 0, bytesWritten: 0 });
    expect(dirty).toEqual([]);
  });

  test("only the part of the model that changed is written again; a model without rows loses its part", async () => {
    await publish();
    catalog.addVersion(catalogRow({ namespace: "infra", version: 3 }));
    catalog.replaceName({ namespace: "infra", type: "aws/ec2/vpc", id: "model-2", name: "main" }, []);
    expect(await publish()).toMatchObject({ written: 1, removed: 1 });
    expect(dirty.sort()).toEqual([PART_1, PART_2]);
    expect(partRows(PART_1).map((r) => r.version)).toEqual([1, 2, 3]);
    expect(existsSync(join(dir, "cache", PART_2))).toBe(false);
  });

  test("a part gone from the cache is written again even when its hash is remembered", async () => {
    await publish();
    rmSync(join(dir, "cache", PART_2));
    expect(await publish()).toMatchObject({ written: 1 });
    expect(dirty).toEqual([PART_2]);
  });
});
