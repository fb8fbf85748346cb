import { connect, createServer, type Socket } from "node:net";

/**
 * A loopback TCP relay in front of a server that can refuse connections and let them through
 * again on the same port: a store outage without stopping the server, so nothing it holds is
 * lost or put back in a different order (a restarted moto starts empty).
 */
export interface TcpGate {
  url: string;
  port: number;
  /** Refuses new connections and cuts the open ones, until `open()`. */
  close(): Promise<void>;
  open(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpGate(targetPort: number): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const close = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close,
    open: () => (server.listening ? Promise.resolve() : listen(port)),
    stop: close,
  };
}
