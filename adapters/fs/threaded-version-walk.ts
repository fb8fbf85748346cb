// The version walk on a worker thread: reading 100k small files is mostly system calls, which then
// run on a second core while the main thread turns the versions into catalog rows.
import { type FoundVersion, walkVersions } from "./version-walk.ts";

export interface WalkRequest {
  dataDir: string;
}

export type WalkMessage =
  | { kind: "batch"; batch: FoundVersion[] }
  | { kind: "done" }
  | { kind: "error"; message: string; code?: string };

/** Directories visited between two yields to the event loop when walking in this thread. */
const DIRS_PER_BATCH = 256;

/** The worker stopped before it walked anything (e.g. a binary built without its entrypoint). */
class WorkerUnavailable extends Error {}

/**
 * The worker's module: beside this file when run from source; in the compiled binary, which holds it
 * as an entrypoint of its own (build.ts), at its path from the project root.
 */
const WORKER = import.meta.url.startsWith("file:///$bunfs/")
  ? "./adapters/fs/version-walk-worker.ts"
  : new URL("./version-walk-worker.ts", import.meta.url).href;

/**
 * Batches of every complete version under `dataDir`, walked on a worker thread, or in this thread
 * where no worker can run. In this thread the event loop runs between batches, so that timers
 * (lease heartbeats) keep running. `worker` is the worker's module (tests point it elsewhere).
 */
export async function* walkVersionBatches(
  dataDir: string,
  worker: string = WORKER,
): AsyncGenerator<FoundVersion[]> {
  try {
    yield* fromWorker(dataDir, worker);
    return;
  } catch (e) {
    if (!(e instanceof WorkerUnavailable)) throw e;
  }
  for (const batch of walkVersions(dataDir, DIRS_PER_BATCH)) {
    yield batch;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

type Inbox = WalkMessage | { kind: "stopped"; error: unknown };

async function* fromWorker(dataDir: string, module: string): AsyncGenerator<FoundVersion[]> {
  let worker: Worker;
  try {
    worker = new Worker(module);
  } catch (e) {
    throw new WorkerUnavailable(String(e));
  }
  // Messages queue up while the consumer works: the worker never waits for it.
  const inbox: Inbox[] = [];
  let wake: (() => void) | null = null;
  const deliver = (message: Inbox) => {
    inbox.push(message);
    wake?.();
    wake = null;
  };
  worker.onmessage = (event: MessageEvent<WalkMessage>) => deliver(event.data);
  worker.onerror = (event: ErrorEvent) => deliver({ kind: "stopped", error: event.error ?? event.message });
  worker.addEventListener("close", () => deliver({ kind: "stopped", error: "the walk worker exited" }));
  try {
    worker.postMessage({ dataDir } satisfies WalkRequest);
    for (let started = false; ; ) {
      const message = inbox.shift();
      if (message === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      } else if (message.kind === "batch") {
        started = true;
        yield message.batch;
      } else if (message.kind === "done") {
        return;
      } else if (message.kind === "error") {
        throw Object.assign(new Error(message.message), message.code ? { code: message.code } : {});
      } else {
        const error = message.error instanceof Error ? message.error : new Error(String(message.error));
        throw started ? error : new WorkerUnavailable(error.message);
      }
    }
  } finally {
    worker.terminate();
  }
}
