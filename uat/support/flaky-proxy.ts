import { connect, createServer, type Socket } from "node:net";
import type { Random } from "./seeded-random.ts";

/**
 * A loopback TCP proxy that resets connections at random moments: each new connection is, with
 * the chance set, reset after a random number of bytes (at most `maxBytes`) in one direction,
 * chosen at random: a request cut on its way to the server, or an answer cut on its way back
 * (the server acted, the client never heard). One such fault in three is an outage: the next
 * few connections are reset as soon as they send anything, so a client's retries run out too.
 * It also counts the bytes clients sent, so a test can act (kill a client) when its traffic
 * reaches a point.
 */
export interface FlakyProxy {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The chance that a new connection is reset part-way; 0 makes the proxy faithful. */
  setResetChance(chance: number): void;
  /** Connections reset so far. */
  resets(): number;
  /** Bytes received from clients so far. */
  bytesUp(): number;
  /** Calls `fn` once, when `bytesUp()` reaches `threshold`; returns a function that cancels it. */
  onBytesUp(threshold: number, fn: () => void): () => void;
  stop(): Promise<void>;
}

const ignore = () => {};

export async function startFlakyProxy(
  targetPort: number,
  random: Random,
  maxBytes = 2048,
): Promise<FlakyProxy> {
  let chance = 0;
  let resets = 0;
  /** Connections still to reset at once: what is left of an outage. */
  let outage = 0;
  let up = 0;
  const watchers = new Set<{ threshold: number; fn: () => void }>();
  const sockets = new Set<Socket>();

  const notify = () => {
    for (const watcher of watchers)
      if (up >= watcher.threshold) {
        watchers.delete(watcher);
        watcher.fn();
      }
  };

  function join(client: Socket): void {
    const server = connect({ port: targetPort, host: "127.0.0.1", allowHalfOpen: true });
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on("error", ignore);
      socket.on("close", () => sockets.delete(socket));
    }
    const inOutage = chance > 0 && outage > 0;
    if (inOutage) outage--;
    const doomed = inOutage || (chance > 0 && random.chance(chance));
    const startsOutage = doomed && !inOutage && random.chance(1 / 3);
    const cutUpstream = inOutage || (doomed && random.chance(0.5));
    let budget = inOutage ? 0 : doomed ? random.int(0, maxBytes) : Number.POSITIVE_INFINITY;
    const cut = () => {
      resets++;
      if (startsOutage) outage = random.int(1, 4);
      client.resetAndDestroy();
      server.resetAndDestroy();
    };
    const pipe = (from: Socket, to: Socket, upstream: boolean) => {
      from.on("data", (chunk: Buffer) => {
        if (upstream) {
          up += chunk.length;
          notify();
        }
        if (doomed && upstream === cutUpstream) {
          if (chunk.length > budget) {
            if (budget > 0) to.write(chunk.subarray(0, budget));
            budget = 0;
            cut();
            return;
          }
          budget -= chunk.length;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
      from.on("end", () => to.end());
      from.on("close", () => to.destroy());
    };
    pipe(client, server, true);
    pipe(server, client, false);
  }

  const listener = createServer({ allowHalfOpen: true }, join);
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => resolve());
  });
  const address = listener.address();
  if (!address || typeof address !== "object") throw new Error("flaky proxy has no port");

  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    setResetChance(next) {
      chance = next;
      if (next === 0) outage = 0;
    },
    resets: () => resets,
    bytesUp: () => up,
    onBytesUp(threshold, fn) {
      const watcher = { threshold, fn };
      watchers.add(watcher);
      notify();
      return () => watchers.delete(watcher);
    },
    async stop() {
      watchers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
