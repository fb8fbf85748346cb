// Holds a lease on a filesystem datastore until killed; prints the lease info once held.
import { FsObjectStore } from "../../adapters/fs/fs-object-store.ts";
import { LeaseLock } from "../../adapters/lease-lock/lease-lock.ts";
import { systemClock } from "../../adapters/system/system-clock.ts";
import { systemHost } from "../../adapters/system/system-host.ts";

const [rootDir, key] = process.argv.slice(2);
if (!rootDir || !key) throw new Error("usage: lease-holder.ts <rootDir> <key>");
const lock = new LeaseLock({
  store: new FsObjectStore(rootDir, systemClock),
  key,
  clock: systemClock,
  host: systemHost(),
  random: Math.random,
});
const lease = await lock.acquire({ maxWaitMs: 5000, operation: "test hold" });
console.log(JSON.stringify(lease.info));
// Stay alive (bounded) until the parent kills us.
await new Promise((resolve) => setTimeout(resolve, 60_000));
