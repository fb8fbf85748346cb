import { describe, expect, test } from "bun:test";
import { leaseFindings } from "../../../core/doctor/lease-findings.ts";
import { globalLockKey, modelLockKey } from "../../../core/lock-keys.ts";
import type { LockState } from "../../../core/ports/lock.ts";

const MODEL = { type: "aws/ec2/vpc", id: "6f0c2a1e-0000-4000-8000-000000000001" };

function lease(
  key: string,
  fields: Partial<LockState> = {},
  info: Partial<LockState["info"]> = {},
): LockState {
  return {
    key,
    info: {
      holder: "bob@ci-7",
      hostname: "ci-7",
      pid: 412,
      acquiredAt: "2026-01-01T00:00:00.000Z",
      renewedAt: "2026-01-01T00:00:00.000Z",
      ttlMs: 30_000,
      nonce: "n-1",
      epoch: 3,
      ...info,
    },
    ageMs: 5_000,
    expiresInMs: 25_000,
    stale: false,
    ...fields,
  };
}

describe("leaseFindings", () => {
  test("no lease held: nothing to say", () => {
    expect(leaseFindings("", { global: null, models: [] })).toEqual([]);
  });

  test("a live lease is information, naming its holder and what it does", () => {
    const [found] = leaseFindings("", {
      global: lease(".datastore.lock", {}, { operation: "data gc" }),
      models: [],
    });
    expect(found).toMatchObject({ code: "lease_held", problem: false, subject: ".datastore.lock" });
    expect(found?.message).toContain("bob@ci-7 (pid 412 on ci-7) for 'data gc'");
    expect(found?.repair).toBeUndefined();
  });

  test("a stale model lease is a problem freed by its nonce; the fix names the model's release command", () => {
    const key = modelLockKey("infra", MODEL.type, MODEL.id);
    const stale = lease(key, { stale: true, staleReason: "expired", ageMs: 7_200_000, expiresInMs: 0 });
    expect(leaseFindings("infra", { global: null, models: [stale] })).toEqual([
      {
        code: "lease_stale",
        subject: key,
        problem: true,
        message: expect.stringContaining("has not renewed it for 2 h 0 min"),
        fix: `swamp datastore lock release --force --model ${MODEL.type}/${MODEL.id}`,
        repair: { kind: "release_lease", key, nonce: "n-1" },
      },
    ]);
  });

  test("a dead holder and a corrupt object are problems; the corrupt one is freed by its placeholder nonce", () => {
    const dead = lease(globalLockKey(""), { stale: true, staleReason: "holder_dead" });
    const corrupt = lease(modelLockKey("", MODEL.type, MODEL.id), { corrupt: true }, { nonce: "corrupt:v7" });
    const found = leaseFindings("", { global: dead, models: [corrupt] });
    expect(found.map((f) => [f.code, f.problem, f.repair])).toEqual([
      ["lease_stale", true, { kind: "release_lease", key: ".datastore.lock", nonce: "n-1" }],
      ["lease_corrupt", true, { kind: "release_lease", key: corrupt.key, nonce: "corrupt:v7" }],
    ]);
    expect(found[0]?.message).toContain("whose process is gone");
    expect(found[0]?.fix).toBe("swamp datastore lock release --force");
  });

  test("the global lease comes first, model leases in key order", () => {
    const b = lease(modelLockKey("", "t", "b"));
    const a = lease(modelLockKey("", "t", "a"));
    const found = leaseFindings("", { global: lease(".datastore.lock"), models: [b, a] });
    expect(found.map((f) => f.subject)).toEqual([".datastore.lock", a.key, b.key]);
  });
});
