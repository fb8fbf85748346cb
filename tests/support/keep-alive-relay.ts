/**
 * A loopback HTTP relay that keeps client connections alive, for servers that close every
 * connection after one answer (moto sends `Connection: close`). Tests that need a client's
 * pooled keep-alive sockets to meet a fault put it between the fault proxy and the server.
 */
export interface KeepAliveRelay {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Headers of one connection, not relayed; the body is re-framed (a HEAD keeps its length). */
const HOP_BY_HOP = ["connection", "keep-alive", "transfer-encoding"];

export function startKeepAliveRelay(target: string): KeepAliveRelay {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const answer = await fetch(`${target}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        body: req.method === "GET" || req.method === "HEAD" ? null : await req.arrayBuffer(),
        redirect: "manual",
        decompress: false,
      });
      const headers = new Headers(answer.headers);
      for (const name of HOP_BY_HOP) headers.delete(name);
      if (req.method !== "HEAD") headers.delete("content-length");
      return new Response(req.method === "HEAD" ? null : await answer.arrayBuffer(), {
        status: answer.status,
        headers,
      });
    },
  });
  const port = server.port as number;
  return { url: `http://127.0.0.1:${port}`, port, stop: () => server.stop(true) };
}
