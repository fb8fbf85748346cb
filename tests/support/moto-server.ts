import { createServer } from "node:net";
import { join } from "node:path";

/** A moto S3 server on a free loopback port, for tests and benchmarks. */
export interface MotoServer {
  /** `http://127.0.0.1:PORT`: pass as the S3 endpoint with `forcePathStyle: true`. */
  endpoint: string;
  port: number;
  /** Wipes every bucket and object. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 15_000;
const POLL_MS = 100;
const LOG_TAIL_CHARS = 4_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the port of a probe socket"));
      });
    });
  });
}

/**
 * Starts moto's S3 server (serialized: moto_serial.py) and waits until `GET /moto-api/` answers. Throws when it
 * cannot start, so the test that needs it fails rather than skips. Call `stop()` in `afterAll`.
 */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const serial = join(import.meta.dir, "moto_serial.py");
  const proc = Bun.spawn(["python3", serial, "127.0.0.1", String(port)], {
    stdout: "ignore",
    stderr: "pipe",
  });
  // moto logs every request on stderr; keep draining it so the pipe never fills and blocks it.
  let log = "";
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) log = (log + decoder.decode(chunk)).slice(-LOG_TAIL_CHARS);
  })();
  const kill = () => proc.kill();
  process.once("exit", kill);
  const stop = async () => {
    process.off("exit", kill);
    proc.kill();
    await proc.exited;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(
        `moto exited with code ${proc.exitCode} before it was ready on ${endpoint}. Is it installed (\`python3 -m pip install 'moto[server]'\`)?\n${log}`,
      );
    }
    try {
      const answer = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      if (answer.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms.\n${log}`);
    }
    await Bun.sleep(POLL_MS);
  }

  return {
    endpoint,
    port,
    async reset() {
      const answer = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      await answer.arrayBuffer();
      if (!answer.ok) throw new Error(`moto reset failed: HTTP ${answer.status}`);
    },
    stop,
  };
}
