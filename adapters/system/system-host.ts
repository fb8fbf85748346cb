import type { Host } from "../../core/ports/host.ts";

export function systemHost(): Host {
  let name: string | undefined;
  return {
    // Asked for when first needed: node:os costs a compiled command a third of a millisecond to load.
    get hostname() {
      name ??= (require("node:os") as typeof import("node:os")).hostname();
      return name;
    },
    pid: process.pid,
    user: process.env.USER || process.env.USERNAME || "unknown",
    isPidAlive,
    uuid: () => crypto.randomUUID(),
  };
}

function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
