import { connect, createServer, type Socket } from "node:net";
import type { Random } from "./seeded-random.ts";

/**
 * A loopback TCP proxy that resets connections at random moments: each new connection is, with
 * the chance set, reset after a random number of bytes (at most `maxBytes`) in one direction,
 * chosen at random: a request cut on its way to the server, or an answer cut on its way back
 * (the server acted, the client never heard). One such fault in three is an outage: the next
 * few connections are reset as soon as they send anything, so a client's retries run out too.
 * A test can also inject one fault (a reset or a stall) at a chosen point of the traffic. It
 * counts the bytes both ways, so a test can act (kill a client) when its traffic reaches a point.
 */
export interface FlakyProxy {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** The chance that a new connection is reset part-way; 0 makes the proxy faithful. */
  setResetChance(chance: number): void;
  /** Connections reset so far (by chance or injected). */
  resets(): number;
  /** Connections stalled so far (injected). */
  stalls(): number;
  /** Bytes received from clients so far. */
  bytesUp(): number;
  /** Bytes received from clients and from the server so far. */
  traffic(): number;
  /** Calls `fn` once, when `bytesUp()` reaches `threshold`; returns a function that cancels it. */
  onBytesUp(threshold: number, fn: () => void): () => void;
  /** Calls `fn` once, when `traffic()` reaches `threshold`; returns a function that cancels it. */
  onTraffic(threshold: number, fn: () => void): () => void;
  /**
   * Injects one fault when `traffic()` reaches `threshold`, on the connection that carries that
   * byte: in `direction` "request" the client's bytes from then on, in "answer" the server's,
   * are cut (a reset) or held forever (a stall: nothing more passes either way until the client
   * gives up). If that connection ends first, the next connection to carry bytes that way takes it.
   * `onFire` is called when it hits.
   */
  injectAt(threshold: number, fault: InjectedFault, onFire?: () => void): Injection;
  stop(): Promise<void>;
}

export interface InjectedFault {
  kind: "reset" | "stall";
  direction: "request" | "answer";
}

export interface Injection {
  /** The fault has hit a connection. */
  fired(): boolean;
  /** Withdraws the fault if it has not fired yet. */
  cancel(): void;
}

const ignore = () => {};

/** Calls each watcher once its counter reaches its threshold. */
class Watchers {
  #watchers = new Set<{ threshold: number; fn: () => void }>();

  add(threshold: number, fn: () => void, now: number): () => void {
    const watcher = { threshold, fn };
    this.#watchers.add(watcher);
    this.notify(now);
    return () => this.#watchers.delete(watcher);
  }

  notify(now: number): void {
    for (const watcher of this.#watchers)
      if (now >= watcher.threshold) {
        this.#watchers.delete(watcher);
        watcher.fn();
      }
  }

  clear(): void {
    this.#watchers.clear();
  }
}

/** One client connection and its connection to the server. */
interface Link {
  client: Socket;
  server: Socket;
  stalled: boolean;
}

/** An injected fault on its way: armed on a link once the traffic reaches its threshold. */
interface Pending {
  threshold: number;
  fault: InjectedFault;
  /** The link it hits, once armed; null when armed and that link ended first (the next one takes it). */
  link: Link | null | undefined;
  fired: boolean;
  onFire: () => void;
}

export async function startFlakyProxy(
  targetPort: number,
  random: Random,
  maxBytes = 2048,
): Promise<FlakyProxy> {
  let chance = 0;
  let resets = 0;
  let stalls = 0;
  /** Connections still to reset at once: what is left of an outage. */
  let outage = 0;
  let up = 0;
  let down = 0;
  const upWatchers = new Watchers();
  const trafficWatchers = new Watchers();
  const pending = new Set<Pending>();
  const sockets = new Set<Socket>();

  const reset = (link: Link) => {
    resets++;
    link.client.resetAndDestroy();
    link.server.resetAndDestroy();
  };
  const stall = (link: Link) => {
    stalls++;
    link.stalled = true;
  };

  /**
   * The injected fault due on `link` for a chunk of `size` bytes (`upstream` or not) that brings
   * the traffic to `total`, with how many of its bytes pass first; null when none is due.
   */
  function dueFault(link: Link, upstream: boolean, size: number, total: number) {
    for (const p of pending) {
      if (p.link === undefined && total >= p.threshold) p.link = link;
      if (p.link === undefined || (p.link !== link && p.link !== null)) continue;
      if ((p.fault.direction === "request") !== upstream) continue;
      pending.delete(p);
      p.fired = true;
      p.onFire();
      // The chunk that crosses the threshold passes up to the threshold's byte.
      return { kind: p.fault.kind, allowed: Math.max(0, Math.min(size, p.threshold - (total - size))) };
    }
    return null;
  }

  function join(client: Socket): void {
    const server = connect({ port: targetPort, host: "127.0.0.1", allowHalfOpen: true });
    const link: Link = { client, server, stalled: false };
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
      if (startsOutage) outage = random.int(1, 4);
      reset(link);
    };
    const pipe = (from: Socket, to: Socket, upstream: boolean) => {
      from.on("data", (chunk: Buffer) => {
        if (upstream) {
          up += chunk.length;
          upWatchers.notify(up);
        } else down += chunk.length;
        trafficWatchers.notify(up + down);
        if (link.stalled || from.destroyed) return;
        const fault = dueFault(link, upstream, chunk.length, up + down);
        if (fault !== null) {
          if (fault.allowed > 0) to.write(chunk.subarray(0, fault.allowed));
          if (fault.kind === "reset") reset(link);
          else stall(link);
          return;
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
      // A stalled link says nothing to the client; it ends once the client gives up.
      from.on("end", () => {
        if (!link.stalled) to.end();
        else if (from === client) server.destroy();
      });
      from.on("close", () => {
        if (!link.stalled || from === client) to.destroy();
        for (const p of pending) if (p.link === link) p.link = null;
      });
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
    stalls: () => stalls,
    bytesUp: () => up,
    traffic: () => up + down,
    onBytesUp: (threshold, fn) => upWatchers.add(threshold, fn, up),
    onTraffic: (threshold, fn) => trafficWatchers.add(threshold, fn, up + down),
    injectAt(threshold, fault, onFire = () => {}) {
      const p: Pending = { threshold, fault, link: undefined, fired: false, onFire };
      pending.add(p);
      return { fired: () => p.fired, cancel: () => pending.delete(p) };
    },
    async stop() {
      upWatchers.clear();
      trafficWatchers.clear();
      pending.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
