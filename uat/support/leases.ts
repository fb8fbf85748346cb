import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import type { LockInfo } from "./shapes.ts";

/** Writes a lease object by hand, as another swamp (on this host or another) would have left it. */
export function writeLease(path: string, fields: Partial<LockInfo> = {}): LockInfo {
  const now = new Date().toISOString();
  const info: LockInfo = {
    holder: "bob@ci-7",
    hostname: "ci-7",
    pid: 412,
    acquiredAt: now,
    renewedAt: now,
    ttlMs: 600_000,
    nonce: crypto.randomUUID(),
    epoch: 1,
    ...fields,
  };
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** A pid that belonged to a process on this host which has ended. */
export async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["sleep", "30"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  proc.kill("SIGKILL");
  await proc.exited;
  return proc.pid;
}

export const thisHost = hostname();
