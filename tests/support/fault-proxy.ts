import { connect, createServer, type Socket } from "node:net";

/**
 * - `pass`: forwards both ways (and first delivers whatever an earlier mode held back).
 * - `stall`: forwards nothing either way, on new and already-open connections; bytes are held,
 *   as a network partition would, and delivered if the proxy passes traffic again.
 * - `reset`: resets (RST) a connection as soon as either side sends data; new ones at once.
 * - `blackhole-after-bytes`: on each connection, forwards `bytes` more bytes from the server
 *   and then stalls that connection both ways: a response cut off in the middle.
 */
export type FaultMode = "pass" | "stall" | "reset" | "blackhole-after-bytes";

export interface FaultProxy {
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Switches every connection, open or new. `bytes` is the budget of `blackhole-after-bytes`. */
  mode(mode: FaultMode, options?: { bytes?: number }): void;
  /** Connections accepted since start. */
  connections(): number;
  /** Connections not yet closed on both sides. */
  open(): number;
  stop(): Promise<void>;
}

type Held = { from: Socket; to: Socket; what: Buffer | "end" | "close" };

/** One client connection and its connection to the target. */
class Link {
  held: Held[] = [];
  /** Bytes the server may still send in `blackhole-after-bytes`; once spent the link holds everything. */
  budget = 0;
  frozen = false;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
  ) {}

  reset(): void {
    this.held = [];
    this.client.resetAndDestroy();
    this.server.resetAndDestroy();
  }
}

/**
 * A loopback TCP proxy in front of 127.0.0.1:`targetPort` whose faults a test switches at
 * runtime, for network-trouble tests of the remote stores and the commands on top of them.
 */
export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  let mode: FaultMode = "pass";
  let bytes = 0;
  let accepted = 0;
  const links = new Set<Link>();

  /** Forwards, holds or resets one event of one direction, by the current mode. */
  function carry(link: Link, item: Held): void {
    if (mode === "reset") {
      link.reset();
      return;
    }
    let { what } = item;
    if (link.held.length === 0 && !link.frozen && mode !== "stall") {
      if (mode === "blackhole-after-bytes" && item.from === link.server && what instanceof Buffer) {
        const allowed = what.subarray(0, link.budget);
        link.budget -= allowed.length;
        if (allowed.length < what.length) {
          link.frozen = true;
          if (allowed.length > 0) deliver({ ...item, what: allowed });
          what = what.subarray(allowed.length);
        }
      }
      if (!link.frozen) {
        deliver(item);
        return;
      }
    }
    link.held.push({ ...item, what });
    item.from.pause();
  }

  function deliver({ from, to, what }: Held): void {
    if (what === "close") to.destroy();
    else if (what === "end") to.end();
    else if (!to.write(what)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
  }

  /** Runs whatever a link held through the new mode, in order. */
  function release(link: Link): void {
    const held = link.held;
    link.held = [];
    link.frozen = false;
    link.budget = bytes;
    for (const item of held) carry(link, item);
    if (link.held.length === 0 && !link.client.destroyed) {
      link.client.resume();
      link.server.resume();
    }
  }

  function join(client: Socket): void {
    accepted++;
    client.on("error", () => {});
    if (mode === "reset") {
      client.resetAndDestroy();
      return;
    }
    const server = connect({ port: targetPort, host: "127.0.0.1", allowHalfOpen: true });
    server.on("error", () => {});
    const link = new Link(client, server);
    link.budget = bytes;
    links.add(link);
    for (const [from, to] of [
      [client, server],
      [server, client],
    ] as const) {
      from.on("data", (chunk: Buffer) => carry(link, { from, to, what: chunk }));
      from.on("end", () => carry(link, { from, to, what: "end" }));
      from.on("close", () => {
        if (link.client.destroyed && link.server.destroyed) links.delete(link);
        else carry(link, { from, to, what: "close" });
      });
    }
  }

  const listener = createServer({ allowHalfOpen: true }, join);
  await new Promise<void>((resolve, reject) => {
    listener.once("error", reject);
    listener.listen(0, "127.0.0.1", () => resolve());
  });
  const address = listener.address();
  if (!address || typeof address !== "object") throw new Error("fault proxy has no port");

  return {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    mode(next, options = {}) {
      mode = next;
      bytes = options.bytes ?? 0;
      for (const link of links) release(link);
    },
    connections: () => accepted,
    open: () => links.size,
    async stop() {
      for (const link of links) {
        link.client.destroy();
        link.server.destroy();
      }
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    },
  };
}
