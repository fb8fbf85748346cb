import { SwampError } from "../../core/errors.ts";
import type { Host } from "../../core/ports/host.ts";
import { fsp } from "./lazy-fs.ts";
import { dirname, join } from "./paths.ts";

/** A mutex older than this is a crash leftover: the sections it guards last milliseconds. */
const MUTEX_STALE_MS = 10_000;
const MUTEX_WAIT_MS = 15_000;

export type MutexHost = Pick<Host, "hostname" | "pid" | "isPidAlive" | "uuid">;

/** The last holder in this process of each mutex path: callers here queue behind it instead of polling. */
const queues = new Map<string, Promise<void>>();

/**
 * Runs `fn` while holding the mutex file `mutex` (created O_EXCL, holding our hostname and pid),
 * safe across processes and hosts sharing the directory (NFS included). Callers in this process
 * take turns in order; other processes are polled with a short backoff. A mutex left by a dead
 * process on this host, or older than a few seconds, is broken. Errors creating it other than
 * "exists" (e.g. its directory is gone) are thrown as they are.
 */
export async function withFileMutex<T>(mutex: string, host: MutexHost, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(mutex);
  let done = () => {};
  const turn = new Promise<void>((resolve) => {
    done = resolve;
  });
  queues.set(mutex, turn);
  try {
    await before;
    return await holding(mutex, host, fn);
  } finally {
    done();
    if (queues.get(mutex) === turn) queues.delete(mutex);
  }
}

async function holding<T>(mutex: string, host: MutexHost, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp().writeFile(mutex, `${host.hostname}\n${host.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await breakIfStale(mutex, host)) continue;
    if (Date.now() > deadline) {
      throw new SwampError(
        "store_unavailable",
        `Timed out waiting for ${mutex}, a per-file lock swamp holds for a few milliseconds while it writes. If no swamp command is running there, delete that file and run the command again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * Math.min(2 ** attempt, 16)));
  }
  try {
    return await fn();
  } finally {
    await fsp().rm(mutex, { force: true });
  }
}

/** Removes a mutex left by a dead process or a crash. True when the caller should retry at once. */
async function breakIfStale(mutex: string, host: MutexHost): Promise<boolean> {
  const stats = await fsp()
    .stat(mutex, { bigint: true })
    .catch(() => null);
  if (!stats) return true;
  const [hostname, pidText] = (
    await fsp()
      .readFile(mutex, "utf8")
      .catch(() => "")
  ).split("\n");
  const pid = Number(pidText);
  const holderDead = hostname === host.hostname && pid > 0 && !host.isPidAlive(pid);
  const tooOld = Date.now() - Number(stats.mtimeNs / 1_000_000n) > MUTEX_STALE_MS;
  if (!holderDead && !tooOld) return false;
  // Rename first, then check it is the file judged stale: two breakers must not remove
  // each other's fresh mutex.
  const grave = join(dirname(mutex), `.${host.uuid()}.tmp`);
  try {
    await fsp().rename(mutex, grave);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return true;
    throw error;
  }
  const moved = await fsp()
    .stat(grave, { bigint: true })
    .catch(() => null);
  if (moved && moved.ino !== stats.ino)
    await fsp()
      .link(grave, mutex)
      .catch(() => undefined);
  await fsp().rm(grave, { force: true });
  return true;
}
