import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { MemoryObjectStore } from "../../adapters/memory/memory-object-store.ts";
import { fetchCatalogExport } from "../../cli/catalog-export-fetch.ts";
import { publishCatalogExport } from "../../cli/catalog-export-publish.ts";
import { decodeExportPart } from "../../core/catalog-export.ts";
import { catalogRow, seedRows } from "../conformance/catalog-suite.ts";
import { FakeClock } from "../support/fake-clock.ts";

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

describe('a big model\'s export is split by data name (docs/architecture.md, "Catalog export")', () => {
  let dir: string;
  let catalog: MemoryCatalog;
  let dirty: string[];
  const cache = () => join(dir, "cache");
  const publish = () => {
    dirty = [];
    return publishCatalogExport({
      catalog,
      namespace: "infra",
      cacheDir: cache(),
      stateFile: join(dir, "state.json"),
      markDirty: (rel) => {
        dirty.push(rel);
      },
      partRows: 4,
    });
  };
  const names = (n: number) => Array.from({ length: n }, (_, i) => `name-${i}`);
  const parts = () =>
    readdirSync(join(cache(), ".catalog-export"), { recursive: true })
      .map((e) => `.catalog-export/${String(e)}`)
      .filter((rel) => rel.endsWith(".json.gz"))
      .sort();
  /** What a store holding the cache's files gives `datastore catalog pull`. */
  const pulled = async () => {
    const store = new MemoryObjectStore(new FakeClock());
    for (const rel of [".catalog-export.json", ...parts()])
      await store.put(`infra/${rel}`, readFileSync(join(cache(), rel)));
    const fetched = await fetchCatalogExport(store, "infra", new AbortController().signal);
    if (!fetched.ok) throw new Error(fetched.detail);
    return fetched.rows.map((r) => `${r.dataName}/${r.version}/${r.isLatest}`).sort();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "catalog-export-split-"));
    catalog = new MemoryCatalog();
    seedRows(
      catalog,
      names(3).map((dataName) => catalogRow({ namespace: "infra", dataName })),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("a model that outgrows a part is split, its single part removed; a put then rewrites one part; catalog pull reads every row", async () => {
    await publish();
    expect(parts()).toEqual([PART_1]);
    seedRows(
      catalog,
      names(15)
        .slice(3)
        .map((dataName) => catalogRow({ namespace: "infra", dataName })),
    );
    const split = await publish();
    // 15 rows, at most 4 a part → 4 parts, by data name.
    expect(split).toMatchObject({ rows: 15, parts: 4, removed: 1 });
    expect(parts()).toEqual([0, 1, 2, 3].map((i) => `.catalog-export/aws/ec2/vpc/model-1/4-${i}.json.gz`));
    expect(existsSync(join(cache(), PART_1))).toBe(false);
    expect(split.written).toBe(parts().length);
    // Each part is an ordinary part of its own rows: what any reader of parts reads.
    const decoded = parts().flatMap((rel) =>
      decodeExportPart(gunzipSync(readFileSync(join(cache(), rel))).toString(), "infra", rel),
    );
    expect(decoded.map((r) => r.dataName).sort()).toEqual(names(15).sort());

    catalog.addVersion(catalogRow({ namespace: "infra", dataName: "name-5", version: 2 }));
    catalog.replaceName({ namespace: "infra", type: "aws/ec2/vpc", id: "model-1", name: "name-5" }, [
      catalogRow({ namespace: "infra", dataName: "name-5", version: 1, isLatest: false }),
      catalogRow({ namespace: "infra", dataName: "name-5", version: 2 }),
    ]);
    expect(await publish()).toMatchObject({ rows: 16, written: 1, removed: 0 });
    expect(dirty).toHaveLength(1);
    expect(await pulled()).toEqual(
      [
        ...names(15)
          .filter((n) => n !== "name-5")
          .map((n) => `${n}/1/true`),
        "name-5/1/false",
        "name-5/2/true",
      ].sort(),
    );
  });
});
