import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { MemoryCatalog } from "../../adapters/memory/memory-catalog.ts";
import { MemoryObjectStore } from "../../adapters/memory/memory-object-store.ts";
import { fetchCatalogExport } from "../../cli/catalog-export-fetch.ts";
import { publishCatalogExport } from "../../cli/catalog-export-publish.ts";
import { decodeExportPart, exportPartPath } from "../../core/catalog-export.ts";
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

describe("with the change feed, only the parts of the names changed since the last publish are looked at", () => {
  let dir: string;
  let catalog: MemoryCatalog;
  let changed: string[] | null;
  let scans: number;
  const MODEL = { type: "aws/ec2/vpc", id: "model-1" };
  const names = (n: number) => Array.from({ length: n }, (_, i) => `name-${i}`);
  /** A catalog that counts the rows it is asked to scan field by field (a whole scan of the namespace). */
  const counting = () =>
    new Proxy(catalog, {
      get(target, key, receiver) {
        if (key === "scanFields") {
          return (...args: Parameters<MemoryCatalog["scanFields"]>) => {
            const page = target.scanFields(...args);
            scans += page.rows.length;
            return page;
          };
        }
        const value = Reflect.get(target, key, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const publish = (cache: string, feed: boolean) => {
    catalog.setChangeCursor("infra", `at-${Math.random()}`);
    return publishCatalogExport({
      catalog: counting(),
      ...(feed
        ? {
            feed: {
              since: async () =>
                changed === null
                  ? { kind: "unknown" as const, cursor: "" }
                  : {
                      kind: "names" as const,
                      cursor: "",
                      names: changed.map((name) => ({ ...MODEL, name })),
                    },
            },
          }
        : {}),
      namespace: "infra",
      cacheDir: join(dir, cache),
      stateFile: join(dir, `${cache}.json`),
      markDirty: () => {},
      partRows: 4,
    });
  };
  /** Every part of a cache folder, by path, as bytes. */
  const files = (cache: string) => {
    const root = join(dir, cache, ".catalog-export");
    return readdirSync(root, { recursive: true })
      .map(String)
      .filter((rel) => rel.endsWith(".json.gz"))
      .sort()
      .map((rel) => [rel, readFileSync(join(root, rel)).toString("base64")]);
  };
  /** The feed's publish and a publish of every row from scratch give the same files. */
  const sameAsWhole = async () => {
    rmSync(join(dir, "whole"), { recursive: true, force: true });
    rmSync(join(dir, "whole.json"), { force: true });
    await publish("whole", false);
    expect(files("fed")).toEqual(files("whole"));
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "catalog-export-feed-"));
    catalog = new MemoryCatalog();
    seedRows(
      catalog,
      names(15).map((dataName) => catalogRow({ namespace: "infra", dataName })),
    );
    changed = null;
    await publish("fed", true);
    scans = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const putVersion2 = (name: string) =>
    catalog.replaceName({ ...MODEL, namespace: "infra", name }, [
      catalogRow({ namespace: "infra", dataName: name, version: 1, isLatest: false }),
      catalogRow({ namespace: "infra", dataName: name, version: 2 }),
    ]);

  test("a put rewrites its name's part without scanning the namespace, as a whole publish would write it", async () => {
    putVersion2("name-5");
    changed = ["name-5"];
    expect(await publish("fed", true)).toMatchObject({ rows: 16, parts: 4, written: 1, removed: 0 });
    expect(scans).toBe(0);
    await sameAsWhole();
    changed = [];
    expect(await publish("fed", true)).toMatchObject({ written: 0, removed: 0 });
  });

  test("a part that is not as written here (another clone's, pulled) has its model read whole", async () => {
    const other = files("fed")[0]?.[0] as string;
    const path = join(dir, "fed", ".catalog-export", other);
    const foreign = gunzipSync(readFileSync(path)).toString().replace('"rows":[', '"rows": [');
    writeFileSync(path, gzipSync(foreign));
    const name = names(15).find((n) => exportPartPath(MODEL, 4, n).endsWith(other)) as string;
    putVersion2(name);
    changed = [name];
    expect(await publish("fed", true)).toMatchObject({ written: 1 });
    expect(scans).toBe(16);
    await sameAsWhole();
  });

  test("a name deleted, a model outgrowing its parts, a part gone from the cache: each as a whole publish", async () => {
    catalog.replaceName({ ...MODEL, namespace: "infra", name: "name-2" }, []);
    changed = ["name-2"];
    expect(await publish("fed", true)).toMatchObject({ rows: 14, written: 1 });
    await sameAsWhole();
    seedRows(
      catalog,
      names(20)
        .slice(15)
        .map((dataName) => catalogRow({ namespace: "infra", dataName })),
    );
    changed = names(20).slice(15);
    expect(await publish("fed", true)).toMatchObject({ rows: 19, parts: 8 });
    await sameAsWhole();
    const [gone] = files("fed")[2] ?? [];
    rmSync(join(dir, "fed", ".catalog-export", gone as string));
    changed = [];
    expect(await publish("fed", true)).toMatchObject({ written: 1 });
    await sameAsWhole();
  });
});
