import { describe, expect, test } from "bun:test";
import {
  encodeLockBody,
  judgeLease,
  MAX_LEASE_TTL_MS,
  newLockInfo,
  nextBackoff,
  nextEpoch,
  parseLockBody,
} from "../../core/lease-rules.ts";
import type { LockInfo } from "../../core/ports/lock.ts";

const host = { hostname: "here", pid: 10, user: "ann", isPidAlive: (pid: number) => pid !== 99 };
const T0 = Date.parse("2026-01-01T00:00:00Z");
const info = (over: Partial<LockInfo> = {}): LockInfo => ({
  ...newLockInfo({ host, nonce: "n1", now: T0, ttlMs: 30_000, epoch: 3, operation: "data put" }),
  ...over,
});
const bytes = (text: string) => new TextEncoder().encode(text);

describe("judgeLease", () => {
  test("live until the object is older than the ttl, on the store's clock", () => {
    expect(judgeLease(info(), T0, T0 + 30_000, 30_000, host)).toEqual({
      stale: false,
      ageMs: 30_000,
      expiresInMs: 0,
    });
    expect(judgeLease(info(), T0, T0 + 30_001, 30_000, host)).toEqual({
      stale: true,
      reason: "expired",
      ageMs: 30_001,
      expiresInMs: 0,
    });
    expect(judgeLease(info(), T0, T0 + 1000, 30_000, host).expiresInMs).toBe(29_000);
  });

  test("ignores the holder's own timestamps (clock skew)", () => {
    const skewed = info({ acquiredAt: "1999-01-01T00:00:00.000Z", renewedAt: "1999-01-01T00:00:00.000Z" });
    expect(judgeLease(skewed, T0, T0 + 5, 30_000, host).stale).toBe(false);
  });

  test("the holder's ttl wins over the reader's", () => {
    expect(judgeLease(info({ ttlMs: 5000 }), T0, T0 + 6000, 30_000, host).stale).toBe(true);
  });

  test("a dead pid is stale at once, but only on the holder's own host", () => {
    expect(judgeLease(info({ pid: 99 }), T0, T0, 30_000, host)).toMatchObject({
      stale: true,
      reason: "holder_dead",
    });
    expect(judgeLease(info({ pid: 99, hostname: "elsewhere" }), T0, T0, 30_000, host).stale).toBe(false);
  });

  test("corrupt objects (null info) expire by age with the reader's ttl", () => {
    expect(judgeLease(null, T0, T0 + 29_000, 30_000, host).stale).toBe(false);
    expect(judgeLease(null, T0, T0 + 31_000, 30_000, host).reason).toBe("expired");
  });

  test("a store clock behind the object time counts as age 0", () => {
    expect(judgeLease(info(), T0, T0 - 500, 30_000, host).ageMs).toBe(0);
  });

  test("an answer without a modification time never makes a lease stale: its age is unknown", () => {
    for (const missing of [undefined, Number.NaN]) {
      expect(judgeLease(info(), missing, T0 + 10 * 86_400_000, 30_000, host)).toEqual({
        stale: false,
        expiresInMs: 30_000,
      });
      expect(judgeLease(null, missing, T0 + 10 * 86_400_000, 30_000, host).stale).toBe(false);
    }
  });

  test("...but a dead holder on this host is still stale without one", () => {
    expect(judgeLease(info({ pid: 99 }), undefined, T0, 30_000, host)).toEqual({
      stale: true,
      reason: "holder_dead",
      expiresInMs: 0,
    });
  });
});

describe("nextBackoff", () => {
  test("doubles from the base and caps at 8 s", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => nextBackoff(n, 1000, mid))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000, 8000,
    ]);
  });

  test("jitters by ±25 %", () => {
    expect(nextBackoff(1, 1000, () => 0)).toBe(1500);
    expect(nextBackoff(1, 1000, () => 0.999999)).toBe(2500);
  });
});

describe("lock bodies", () => {
  test("LockInfo round-trips as 2-space JSON", () => {
    const body = encodeLockBody(info());
    expect(new TextDecoder().decode(body)).toContain('\n  "holder": "ann@here"');
    expect(parseLockBody(body)).toEqual(info());
  });

  test("free bodies round-trip", () => {
    const free = { free: true as const, epoch: 7, releasedAt: "2026-01-01T00:00:00.000Z" };
    expect(parseLockBody(encodeLockBody(free))).toEqual(free);
  });

  test("anything else is corrupt", () => {
    for (const text of ["", "{", "null", "[]", '"x"', '{"holder":"a"}', '{"free":true,"epoch":-1}']) {
      expect(parseLockBody(bytes(text))).toBe("corrupt");
    }
    expect(parseLockBody(new Uint8Array([0xff, 0xfe]))).toBe("corrupt");
    const { nonce: _, ...noNonce } = info();
    expect(parseLockBody(bytes(JSON.stringify(noNonce)))).toBe("corrupt");
  });

  test("a ttl beyond 24 h, or not a finite positive number, is corrupt: no holder keeps a lease forever", () => {
    for (const ttl of ["1e300", "1e309", "86400001", "-1", "0", '"30000"', "null"]) {
      const text = JSON.stringify(info()).replace('"ttlMs":30000', `"ttlMs":${ttl}`);
      expect(text).toContain(`"ttlMs":${ttl}`);
      expect(parseLockBody(bytes(text))).toBe("corrupt");
    }
    expect(MAX_LEASE_TTL_MS).toBe(86_400_000);
    expect(parseLockBody(encodeLockBody(info({ ttlMs: MAX_LEASE_TTL_MS })))).toEqual(
      info({ ttlMs: MAX_LEASE_TTL_MS }),
    );
  });

  test("reference lock files (no epoch, no renewedAt) are accepted", () => {
    const ref = {
      holder: "a@h",
      hostname: "h",
      pid: 5,
      acquiredAt: "2026-01-01T00:00:00.000Z",
      ttlMs: 30000,
      nonce: "x",
    };
    expect(parseLockBody(bytes(JSON.stringify(ref)))).toEqual({
      ...ref,
      renewedAt: ref.acquiredAt,
      epoch: 0,
    });
  });

  test("nextEpoch: 1 for absent or corrupt, else previous + 1", () => {
    expect(nextEpoch(null)).toBe(1);
    expect(nextEpoch("corrupt")).toBe(1);
    expect(nextEpoch(info())).toBe(4);
    expect(nextEpoch({ free: true, epoch: 9, releasedAt: "" })).toBe(10);
  });

  test("newLockInfo: holder is user@host, acquiredAt = renewedAt", () => {
    const made = info();
    expect(made.holder).toBe("ann@here");
    expect(made.acquiredAt).toBe("2026-01-01T00:00:00.000Z");
    expect(made.renewedAt).toBe(made.acquiredAt);
    expect(made.operation).toBe("data put");
  });
});
