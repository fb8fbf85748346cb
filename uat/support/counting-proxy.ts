import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request that went through the proxy, for failure messages. */
export interface SeenRequest {
  method: string;
  path: string;
}

/**
 * An HTTP reverse proxy on loopback that counts every request it forwards. The request line,
 * the headers (Host included, in their original case and order) and the body are forwarded
 * byte for byte, so a SigV4 signature made for the proxy's address still validates upstream.
 */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT`: give this to swamp instead of the server's address. */
  url: string;
  port: number;
  /** Requests seen since start or the last `reset()` (refused ones included). */
  requests(): SeenRequest[];
  /** Answers the requests `match` picks 403 Forbidden without forwarding them; null forwards all again. */
  refuse(match: ((request: SeenRequest) => boolean) | null): void;
  reset(): void;
  stop(): Promise<void>;
}

/** Starts a counting proxy in front of `upstream` (`http://host:port`). */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let seen: SeenRequest[] = [];
  let refused: ((request: SeenRequest) => boolean) | null = null;
  const server: Server = createServer((req, res) => {
    const request = { method: req.method ?? "?", path: req.url ?? "" };
    seen.push(request);
    if (refused?.(request)) {
      req.resume();
      res.writeHead(403, { "content-type": "text/plain" }).end("counting proxy: refused by the test");
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: Number(target.port),
        method: req.method,
        path: req.url,
        headers: rawHeaders(req),
        // One upstream connection per request: no pooling that could mix requests up.
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, rawHeaders(answer));
        answer.pipe(res);
      },
    );
    forwarded.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`counting proxy: upstream ${upstream} failed: ${error.message}`);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...seen],
    refuse(match) {
      refused = match;
    },
    reset() {
      seen = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers as received (name case kept, repeated headers kept): node's flat `[name, value, …]` form. */
function rawHeaders(message: IncomingMessage): string[] {
  return [...message.rawHeaders];
}
