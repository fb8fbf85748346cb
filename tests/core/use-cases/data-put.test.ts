import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsDataRepository } from "../../../adapters/fs/fs-data-repository.ts";
import { FsModelRegistry } from "../../../adapters/fs/fs-model-registry.ts";
import { MemoryCatalog } from "../../../adapters/memory/memory-catalog.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { SwampError } from "../../../core/errors.ts";
import { CatalogWriteThrough } from "../../../core/use-cases/catalog-write-through.ts";
import { type DataPutInput, dataPut } from "../../../core/use-cases/data-put.ts";
import type { WithModelLeases } from "../../../core/use-cases/model-leases.ts";
import { countRows } from "../../conformance/catalog-suite.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(lease: { lost?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "swamp-put-"));
  dirs.push(dir);
  const clock = new FakeClock({ start: Date.parse("2026-06-01T00:00:00Z") });
  const host = systemHost();
  const catalog = new MemoryCatalog();
  const repo = new FsDataRepository(join(dir, ".swamp"), { clock, host });
  const leased: string[] = [];
  const withModelLeases: WithModelLeases = async (models, fn, operation) => {
    leased.push(`${operation}:${models.map((m) => m.type).join(",")}`);
    const controller = new AbortController();
    if (lease.lost) controller.abort(new SwampError("lock_lost", "lease lost"));
    return fn(controller.signal);
  };
  const deps = {
    models: new FsModelRegistry(dir, host),
    repo,
    catalog: new CatalogWriteThrough({ catalog: async () => catalog, repo, namespace: "" }),
    withModelLeases,
    namespace: "",
  };
  return { deps, catalog, dir, leased };
}

const input = (overrides: Partial<DataPutInput> = {}): DataPutInput => ({
  model: "vpc",
  name: "main",
  content: async () => new TextEncoder().encode('{"cidr":"10.0.0.0/16"}'),
  modelType: "AWS::EC2::VPC",
  kind: "resource",
  tags: { env: "prod" },
  lifetime: "infinite",
  gc: "10",
  adopt: false,
  ...overrides,
});

describe("dataPut", () => {
  test("creates the model, writes under its lease, and writes the catalog through", async () => {
    const { deps, catalog, leased } = setup();
    const first = await dataPut(deps, input());
    const second = await dataPut(deps, input({ modelType: undefined }));
    expect(first).toMatchObject({
      name: "main",
      modelName: "vpc",
      modelType: "aws/ec2/vpc",
      version: 1,
      contentType: "application/json",
    });
    expect(second.version).toBe(2);
    expect(second.id).toBe(first.id);
    expect(leased).toEqual(["data put:aws/ec2/vpc", "data put:aws/ec2/vpc"]);
    const rows = catalog.scan({}, null, 10).rows;
    expect(rows.map((r) => [r.version, r.isLatest])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(rows[1]?.tags).toMatchObject({
      env: "prod",
      type: "resource",
      specName: "main",
      modelName: "vpc",
    });
  });

  test("an unknown model without --model-type is not_found and names the flag", async () => {
    const { deps } = setup();
    const err = await dataPut(deps, input({ modelType: undefined })).catch((e) => e);
    expect(err).toBeInstanceOf(SwampError);
    expect(err.code).toBe("not_found");
    expect(err.message).toContain("--model-type");
  });

  test("a --model-type other than the existing model's is refused; nothing is created or written", async () => {
    const { deps, dir } = setup();
    await dataPut(deps, input());
    const err = await dataPut(deps, input({ modelType: "aws::ec2::subnet" })).catch((e) => e);
    expect(err).toBeInstanceOf(SwampError);
    expect(err.code).toBe("validation_failed");
    expect(err.message).toContain('Model "vpc" already exists with type aws/ec2/vpc, not aws/ec2/subnet');
    expect(err.message).toContain("--model-type aws/ec2/subnet");
    expect(err.message).toContain("another name");
    expect(existsSync(join(dir, "models", "aws", "ec2", "subnet"))).toBe(false);
    expect(await deps.models.named("vpc")).toHaveLength(1);
  });

  test("a model another writer creates between the lookup and the check is the one written to, not a conflict", async () => {
    const { deps } = setup();
    const registry = deps.models;
    // The other writer's definition lands just after this writer's lookup found nothing.
    const racing = Object.assign(Object.create(registry) as FsModelRegistry, {
      resolve: async (ref: string, type?: string) => {
        const found = await registry.resolve(ref, type);
        if (!found) await registry.create("vpc", "aws/ec2/vpc");
        return found;
      },
    });
    const written = await dataPut({ ...deps, models: racing }, input());
    const [model, ...others] = await registry.named("vpc");
    expect(others).toEqual([]);
    expect(written.modelId).toBe(model?.id ?? "");
  });

  test("--model-type chooses among models that already share a name", async () => {
    const { deps } = setup();
    await deps.models.create("vpc", "aws/ec2/vpc");
    await deps.models.create("vpc", "gcp/net");
    const ambiguous = await dataPut(deps, input({ modelType: undefined })).catch((e) => e);
    expect(ambiguous.code).toBe("validation_failed");
    expect(ambiguous.message).toContain("aws/ec2/vpc, gcp/net");
    expect(ambiguous.message).toContain("--model-type");
    const written = await dataPut(deps, input({ modelType: "GCP::NET" }));
    expect(written).toMatchObject({ modelType: "gcp/net", version: 1 });
    const third = await dataPut(deps, input({ modelType: "aws::ec2::lb" })).catch((e) => e);
    expect(third.message).toContain("aws/ec2/vpc, gcp/net");
  });

  test("bad names, lifetimes and gc policies fail before anything is written", async () => {
    const { deps, dir } = setup();
    for (const bad of [
      input({ name: "a/b" }),
      input({ name: "latest" }),
      input({ lifetime: "soon" }),
      input({ gc: "0" }),
    ]) {
      await expect(dataPut(deps, bad)).rejects.toBeInstanceOf(SwampError);
    }
    expect(existsSync(join(dir, ".swamp", "data"))).toBe(false);
    expect(existsSync(join(dir, "models"))).toBe(false);
  });

  test("a lost lease commits nothing", async () => {
    const { deps, catalog } = setup({ lost: true });
    const err = await dataPut(deps, input()).catch((e) => e);
    expect(err.code).toBe("lock_lost");
    expect(countRows(catalog)).toBe(0);
  });
});
