import { describe, expect, test } from "bun:test";
import type { DataMetadata } from "../../core/data-record.ts";
import { durationMs, planGc } from "../../core/gc-plan.ts";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-30T00:00:00Z");
const model = { type: "t", id: "m1" };

function version(v: number, ageDays: number, extra: Partial<DataMetadata> = {}): DataMetadata {
  return {
    id: "id",
    name: "n",
    version: v,
    contentType: "text/plain",
    lifetime: "infinite",
    garbageCollection: 10,
    streaming: false,
    tags: { type: "resource" },
    ownerDefinition: { ownerType: "manual", ownerRef: "cli:m" },
    createdAt: new Date(NOW - ageDays * DAY).toISOString(),
    size: 10,
    ...extra,
  };
}

describe("durationMs", () => {
  test("m is minutes and mo is months", () => {
    expect(durationMs("5m")).toBe(5 * 60_000);
    expect(durationMs("2mo")).toBe(60 * DAY);
    expect(durationMs("1y")).toBe(365 * DAY);
    expect(durationMs("3w")).toBe(21 * DAY);
  });
  test("anything else is not a duration", () => {
    expect(durationMs("10")).toBeNull();
    expect(durationMs("infinite")).toBeNull();
    expect(durationMs("1d2h")).toBeNull();
  });
});

describe("planGc", () => {
  test("keeps the newest N versions of a count policy, never the latest", () => {
    const versions = [1, 2, 3, 4, 5].map((v) => version(v, 10 - v, { garbageCollection: 2 }));
    const plan = planGc([{ model, name: "n", versions }], NOW);
    expect(plan.expired).toEqual([]);
    expect(plan.excess.map((e) => e.version.version).sort()).toEqual([1, 2, 3]);
  });

  test("a duration policy drops old non-latest versions only", () => {
    const versions = [
      version(1, 40, { garbageCollection: "30d" }),
      version(2, 35, { garbageCollection: "30d" }),
    ];
    const plan = planGc([{ model, name: "n", versions }], NOW);
    expect(plan.excess.map((e) => e.version.version)).toEqual([1]);
  });

  test("a name whose duration lifetime ran out expires whole", () => {
    const versions = [version(1, 9, { lifetime: "7d" }), version(2, 8, { lifetime: "7d" })];
    const plan = planGc([{ model, name: "n", versions }], NOW);
    expect(plan.expired).toHaveLength(1);
    expect(plan.expired[0]?.reason).toBe("duration-expired");
    expect(plan.expired[0]?.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(plan.excess).toEqual([]);
  });

  test("a young record under its policy is left alone", () => {
    const plan = planGc([{ model, name: "n", versions: [version(1, 1, { lifetime: "7d" })] }], NOW);
    expect(plan).toEqual({ expired: [], excess: [] });
  });
});
