import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.ts";

const BIG = 10_000;
const QUIET_MS = 200;

let server: ReturnType<typeof Bun.serve>;
let proxy: FaultProxy;
let served = 0;
const clients: Socket[] = [];

beforeEach(async () => {
  served = 0;
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      served++;
      return new Response(new URL(req.url).pathname === "/big" ? "x".repeat(BIG) : "hello");
    },
  });
  proxy = await startFaultProxy(server.port as number);
});

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await proxy.stop();
  await server.stop(true);
});

/** A raw keep-alive HTTP/1.1 connection through the proxy that records every byte it gets. */
async function rawClient() {
  const socket = connect({ port: proxy.port, host: "127.0.0.1" });
  clients.push(socket);
  let received = "";
  let failure: string | null = null;
  let closed = false;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", (error: NodeJS.ErrnoException) => {
    failure = error.code ?? error.message;
  });
  socket.on("close", () => {
    closed = true;
  });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return {
    send(path: string) {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
    },
    received: () => received,
    failure: () => failure,
    closed: () => closed,
  };
}

/** Polls `done` for up to `ms`; true once it holds. */
async function within(ms: number, done: () => boolean): Promise<boolean> {
  for (const until = performance.now() + ms; performance.now() < until; ) {
    if (done()) return true;
    await Bun.sleep(5);
  }
  return done();
}

const responses = (text: string) => text.split("HTTP/1.1 200").length - 1;

describe("fault proxy", () => {
  test("pass forwards requests and answers, over new and reused connections", async () => {
    expect(await (await fetch(`${proxy.url}/`)).text()).toBe("hello");
    const client = await rawClient();
    client.send("/");
    client.send("/big");
    expect(await within(2000, () => client.received().endsWith("x".repeat(BIG)))).toBe(true);
    expect(responses(client.received())).toBe(2);
    expect(proxy.connections()).toBe(2);
    expect(served).toBe(3);
  });

  test("stall freezes open and new connections both ways; pass delivers what was held", async () => {
    const kept = await rawClient();
    kept.send("/");
    expect(await within(2000, () => responses(kept.received()) === 1)).toBe(true);
    proxy.mode("stall");
    kept.send("/");
    const fresh = await rawClient();
    fresh.send("/");
    expect(await within(QUIET_MS, () => served > 1 || fresh.received() !== "")).toBe(false);
    expect(responses(kept.received())).toBe(1);
    expect(kept.failure() ?? fresh.failure()).toBeNull();

    proxy.mode("pass");
    expect(
      await within(2000, () => responses(kept.received()) === 2 && responses(fresh.received()) === 1),
    ).toBe(true);
    expect(served).toBe(3);
  });

  test("reset drops a reused connection when it sends, and new connections at once", async () => {
    const kept = await rawClient();
    kept.send("/");
    expect(await within(2000, () => responses(kept.received()) === 1)).toBe(true);
    proxy.mode("reset");
    expect(await within(QUIET_MS, () => kept.closed())).toBe(false);
    kept.send("/");
    expect(await within(2000, () => kept.closed())).toBe(true);
    expect(kept.failure()).toBe("ECONNRESET");
    await expect(fetch(`${proxy.url}/`)).rejects.toThrow();
    expect(served).toBe(1);

    proxy.mode("pass");
    expect(await (await fetch(`${proxy.url}/`)).text()).toBe("hello");
  });

  test("blackhole-after-bytes cuts an answer off after that many bytes, then holds the connection", async () => {
    const client = await rawClient();
    proxy.mode("blackhole-after-bytes", { bytes: 1000 });
    client.send("/big");
    expect(await within(2000, () => client.received().length === 1000)).toBe(true);
    expect(await within(QUIET_MS, () => client.received().length > 1000)).toBe(false);
    expect(served).toBe(1);

    proxy.mode("pass");
    expect(await within(2000, () => client.received().endsWith("x".repeat(BIG)))).toBe(true);
    client.send("/");
    expect(await within(2000, () => responses(client.received()) === 2)).toBe(true);
  });

  test("stop closes open connections", async () => {
    const client = await rawClient();
    client.send("/");
    expect(await within(2000, () => responses(client.received()) === 1)).toBe(true);
    expect(proxy.open()).toBe(1);
    proxy.mode("stall");
    await proxy.stop();
    expect(await within(2000, () => client.closed())).toBe(true);
    proxy = await startFaultProxy(server.port as number);
  });
});
