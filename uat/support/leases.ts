import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import type { LockInfo } from "./shapes.ts";

/** Writes a lease object by hand, as another swamp (on this host or another) would have left it. */
export function writeLease(path: string, fields: Partial<LockInfo> = {}): LockInfo {
  const info = leaseInfo(fields);
  writeFileSync(path, leaseBody(info));
  return info;
}

/** The bytes of a lease object holding `info`, as swamp writes them. */
export function leaseBody(info: LockInfo): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

/** A lease held now by bob@ci-7 (another host), with `fields` replaced. */
export function leaseInfo(fields: Partial<LockInfo> = {}): LockInfo {
  const now = new Date().toISOString();
  return {
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
}

/** A pid that belonged to a process on this host which has ended. */
export async function deadPid(): Promise<number> {
  const proc = Bun.spawn(["sleep", "30"], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  proc.kill("SIGKILL");
  await proc.exited;
  return proc.pid;
}

export const thisHost = hostname();
