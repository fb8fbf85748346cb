import { describe, expect, test } from "bun:test";
import type { Deadline } from "../../../core/deadline.ts";
import { SwampError } from "../../../core/errors.ts";
import type { Lease, LeaseCoordinator, LockInfo, LockScope, LockState } from "../../../core/ports/lock.ts";
import type { SyncOptions } from "../../../core/ports/sync-service.ts";
import {
  type CommandSync,
  fenceLeases,
  withGlobalLeaseSynced,
  withModelLeasesSynced,
} from "../../../core/use-cases/leased-work.ts";

function info(nonce: string, holder = "me@here"): LockInfo {
  const at = "2026-06-01T00:00:00.000Z";
  return { holder, hostname: "here", pid: 1, acquiredAt: at, renewedAt: at, ttlMs: 30_000, nonce, epoch: 1 };
}

/** A lease that can be lost, and a coordinator that hands them out and says what the store holds. */
function world() {
  const log: string[] = [];
  const controllers = new Map<string, AbortController>();
  const inStore = new Map<string, LockInfo>();
  const lease = (key: string): Lease => {
    const controller = new AbortController();
    controllers.set(key, controller);
    const held = info(`nonce-${key}`);
    inStore.set(key, held);
    return {
      key,
      info: held,
      signal: controller.signal,
      assertHeld: () => {
        if (controller.signal.aborted) throw new SwampError("lock_lost", `lost ${key}`);
      },
      release: async () => {
        log.push(`release ${key}`);
      },
    };
  };
  const scopes: LockScope[] = [];
  const locks: LeaseCoordinator = {
    withStructural: async (fn, scope = {}) => {
      scopes.push(scope);
      const l = lease("global");
      try {
        return await fn(l);
      } finally {
        await l.release();
      }
    },
    withModels: async (models, fn, scope = {}) => {
      scopes.push(scope);
      const leases = models.map((m) => lease(`${m.type}/${m.id}`));
      try {
        return await fn(AbortSignal.any(leases.map((l) => l.signal)), leases);
      } finally {
        for (const l of leases) await l.release();
      }
    },
    inspect: async (key) => {
      log.push(`inspect ${key}`);
      const held = inStore.get(key);
      return held ? ({ key, info: held, expiresInMs: 1, stale: false } as LockState) : null;
    },
  };
  const pushes: SyncOptions[] = [];
  let failPush = false;
  let disposed = 0;
  const sync: CommandSync = {
    pull: async () => {
      log.push("pull");
    },
    push: async (options) => {
      log.push("push");
      pushes.push(options);
      if (failPush) throw new Error("push failed");
      await options.beforeCommit?.(new AbortController().signal);
    },
    deadline: () =>
      ({
        at: 0,
        budget: { ms: 1, what: "sync", setting: "x" },
        signal: new AbortController().signal,
        dispose: () => disposed++,
      }) as unknown as Deadline,
  };
  const warnings: string[] = [];
  return {
    log,
    locks,
    sync,
    scopes,
    inStore,
    controllers,
    warnings,
    pushes,
    failPushes: () => {
      failPush = true;
    },
    disposed: () => disposed,
    deps: (withSync: boolean) => ({
      locks,
      sync: withSync ? sync : null,
      warn: (m: string) => warnings.push(m),
    }),
  };
}

/** A `data put`'s lifecycle around `work` in `w`, expected to fail: its error. */
function failedPut(w: ReturnType<typeof world>, work: () => Promise<void>): Promise<SwampError> {
  return withModelLeasesSynced(w.deps(true), [VPC], "data put", new AbortController().signal, work).catch(
    (e: SwampError) => e,
  ) as Promise<SwampError>;
}

const VPC = { type: "aws/ec2/vpc", id: "1" };

describe("the writing lifecycle", () => {
  test("a folder datastore: the leases around the work, no sync", async () => {
    const w = world();
    const interrupt = new AbortController().signal;
    const result = await withModelLeasesSynced(w.deps(false), [VPC], "data put", interrupt, async () => {
      w.log.push("work");
      return 7;
    });
    expect(result).toBe(7);
    expect(w.log).toEqual(["work", "release aws/ec2/vpc/1"]);
    expect(w.scopes).toEqual([{ operation: "data put", signal: interrupt }]);
  });

  test("a bucket: pull, work, push fenced on every lease, release; one deadline, disposed", async () => {
    const w = world();
    await withModelLeasesSynced(w.deps(true), [VPC], "data put", new AbortController().signal, async () => {
      w.log.push("work");
    });
    expect(w.log).toEqual(["pull", "work", "push", "inspect aws/ec2/vpc/1", "release aws/ec2/vpc/1"]);
    expect(w.disposed()).toBe(1);
  });

  test("a structural command gets its lease, synced the same way", async () => {
    const w = world();
    const key = await withGlobalLeaseSynced(
      w.deps(true),
      "data gc",
      new AbortController().signal,
      async (l) => {
        w.log.push("work");
        return l.key;
      },
    );
    expect(key).toBe("global");
    expect(w.log).toEqual(["pull", "work", "push", "inspect global", "release global"]);
  });

  test("failed work still pushes what it wrote; a push failing then is a warning, the work's error is thrown", async () => {
    const w = world();
    w.failPushes();
    const err = await failedPut(w, async () => {
      throw new Error("work failed");
    });
    expect(err.message).toBe("work failed");
    expect(w.warnings).toEqual(["push failed"]);
    expect(w.log).toEqual(["pull", "push", "release aws/ec2/vpc/1"]);
    expect(w.disposed()).toBe(1);
  });

  test("the work's signal aborts when a lease is lost (self-revocation) or on interrupt", async () => {
    const w = world();
    const interrupt = new AbortController();
    await withModelLeasesSynced(w.deps(true), [VPC], "data put", interrupt.signal, async (signal) => {
      expect(signal.aborted).toBe(false);
      w.controllers.get("aws/ec2/vpc/1")?.abort(new SwampError("lock_lost", "lost"));
      expect(signal.aborted).toBe(true);
    }).catch(() => {});
    const second = world();
    await withModelLeasesSynced(second.deps(true), [VPC], "data put", interrupt.signal, async (signal) => {
      interrupt.abort(new Error("interrupted"));
      expect(signal.aborted).toBe(true);
    });
  });

  test("a push whose lease was taken over commits nothing: lock_lost naming the new holder", async () => {
    const w = world();
    const err = await failedPut(w, async () => {
      w.inStore.set("aws/ec2/vpc/1", info("theirs", "them@there"));
    });
    expect(err.code).toBe("lock_lost");
    expect(err.message).toContain("taken over by them@there");
  });
});

describe("fenceLeases", () => {
  test("passes while every lease carries its nonce; a free or lost lease fails", async () => {
    const w = world();
    const signal = new AbortController().signal;
    const leases: Lease[] = [];
    await w.locks.withModels([VPC, { type: "t", id: "2" }], async (_s, held) => {
      leases.push(...held);
    });
    await fenceLeases(w.locks, leases, signal);
    w.inStore.delete("t/2");
    expect((await fenceLeases(w.locks, leases, signal).catch((e) => e)).message).toContain(
      "nobody (it is free)",
    );
    w.controllers.get("aws/ec2/vpc/1")?.abort();
    expect((await fenceLeases(w.locks, leases, signal).catch((e) => e)).message).toBe("lost aws/ec2/vpc/1");
  });
});
