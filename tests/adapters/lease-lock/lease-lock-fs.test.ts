import { describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsObjectStore } from "../../../adapters/fs/fs-object-store.ts";
import { LeaseLock } from "../../../adapters/lease-lock/lease-lock.ts";
import { systemClock } from "../../../adapters/system/system-clock.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { LockInfo } from "../../../core/ports/lock.ts";
import { lockConformance } from "../../conformance/lock-suite.ts";

lockConformance("filesystem", async (clock) => {
  const root = await mkdtemp(join(tmpdir(), "swamp-lease-"));
  return { store: new FsObjectStore(root, clock), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe("LeaseLock on a filesystem, real processes", () => {
  test("a lease left by a SIGKILLed process on this host is taken over at once", async () => {
    const root = await mkdtemp(join(tmpdir(), "swamp-lease-proc-"));
    try {
      const holderScript = join(import.meta.dir, "..", "..", "support", "lease-holder.ts");
      const child = Bun.spawn([process.execPath, holderScript, root, ".datastore.lock"], {
        stdout: "pipe",
        stderr: "inherit",
      });
      const reader = child.stdout.getReader();
      let output = "";
      while (!output.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`holder exited before holding the lease: ${output}`);
        output += new TextDecoder().decode(value);
      }
      const held = JSON.parse(output) as LockInfo;
      child.kill("SIGKILL");
      await child.exited;

      const lock = new LeaseLock({
        store: new FsObjectStore(root, systemClock),
        key: ".datastore.lock",
        clock: systemClock,
        host: systemHost(),
        random: Math.random,
      });
      expect(await lock.inspect()).toMatchObject({ stale: true, staleReason: "holder_dead" });
      const lease = await lock.acquire({ maxWaitMs: 0 });
      expect(lease.info.epoch).toBe(held.epoch + 1);
      expect(lease.info.nonce).not.toBe(held.nonce);
      await lease.release();
      expect(await lock.inspect()).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
