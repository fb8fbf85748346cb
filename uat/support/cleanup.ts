import { afterAll, afterEach } from "bun:test";

type Cleanup = () => void | Promise<void>;

/** Processes and terminal sessions: ended after every test, so none outlives the test that started it. */
const perTest = new Set<Cleanup>();
/** Temp dirs: removed after the file, so a repo made in `beforeAll` serves every test of the file. */
const perFile = new Set<Cleanup>();

/** Registers an action to run after the current test; returns a function that unregisters it. */
export function afterThisTest(fn: Cleanup): () => void {
  perTest.add(fn);
  return () => perTest.delete(fn);
}

/** Registers an action to run after the current test file. */
export function afterThisFile(fn: Cleanup): void {
  perFile.add(fn);
}

async function drain(set: Set<Cleanup>): Promise<void> {
  const pending = [...set];
  set.clear();
  for (const fn of pending) {
    try {
      await fn();
    } catch (error) {
      console.error("uat cleanup failed:", error);
    }
  }
}

/**
 * Every UAT file calls this once at top level. The harness module is loaded once per `bun test`
 * process, so it cannot register the hooks itself for every file.
 */
export function installCleanup(): void {
  afterEach(() => drain(perTest));
  afterAll(async () => {
    await drain(perTest);
    await drain(perFile);
  });
}
