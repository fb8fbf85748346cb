import { describe, expect, test } from "bun:test";
import { describeWait } from "../../../cli/status/lease-text.ts";
import type { LockState } from "../../../core/ports/lock.ts";

const acquiredAt = "2026-01-05T12:03:10.000Z";
const since = new Date(acquiredAt).toTimeString().slice(0, 8);

function held(operation?: string): LockState {
  return {
    key: "infra/.locks/models/aws/vpc/1f2e.lock",
    info: {
      holder: "alice@host",
      hostname: "host",
      pid: 123,
      acquiredAt,
      renewedAt: acquiredAt,
      ttlMs: 30_000,
      nonce: "n",
      epoch: 1,
      ...(operation ? { operation } : {}),
    },
    expiresInMs: 20_000,
    stale: false,
  };
}

describe("describeWait", () => {
  test("a model's lease: who holds it, doing what, since when, and how long we wait", () => {
    expect(
      describeWait({ kind: "model", model: "aws/vpc/1f2e", holder: held("data put"), remainingMs: 58_000 }),
    ).toBe(
      `Waiting for the lease on model aws/vpc/1f2e held by alice@host (pid 123, data put) since ${since}; giving up in 58 s (SWAMP_LOCK_TIMEOUT_MS).`,
    );
  });

  test("the global lease, and the per-model leases a structural command drains", () => {
    expect(describeWait({ kind: "global", holder: held(), remainingMs: 125_000 })).toBe(
      `Waiting for the datastore's global lease held by alice@host (pid 123) since ${since}; giving up in 2 min (SWAMP_LOCK_TIMEOUT_MS).`,
    );
    expect(
      describeWait({
        kind: "models",
        models: ["aws/vpc/1f2e", "aws/subnet/9"],
        holders: [held(), held()],
        remainingMs: 5000,
      }),
    ).toBe(
      `Waiting for 2 per-model leases (aws/vpc/1f2e held by alice@host (pid 123) since ${since}) to be released; giving up in 5 s (SWAMP_LOCK_TIMEOUT_MS).`,
    );
  });
});
