import { createServer, type Socket } from "node:net";

/**
 * A loopback TCP server that misbehaves on purpose: `stall` accepts connections and never
 * answers; `reset` accepts and drops each connection at once (a reset or early close);
 * `stall-body` answers a request with 200 headers for 100 bytes, sends 10, and stalls.
 */
export interface StalledTcpServer {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

export async function startStalledTcpServer(
  mode: "stall" | "reset" | "stall-body",
): Promise<StalledTcpServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    socket.on("error", () => {});
    if (mode === "reset") {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (mode === "stall-body") {
      socket.once("data", () => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("stalled server has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    connections: () => accepted,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
