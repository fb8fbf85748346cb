import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request that reached the proxy, for failure messages. */
export interface SeenRequest {
  method: string;
  path: string;
  /** The request body's size as the client declared it (Content-Length; 0 without one). */
  bytes: number;
  /** Cut by `refuse`: the connection was dropped and the request never reached the server. */
  refused?: boolean;
}

/** Which requests to cut; null forwards everything. */
export type RequestFilter = ((request: SeenRequest) => boolean) | null;

/**
 * An HTTP reverse proxy on loopback that counts every request it forwards. The request line,
 * the headers (Host included, in their original case and order) and the body are forwarded
 * byte for byte, so a SigV4 signature made for the proxy's address still validates upstream.
 */
export interface CountingProxy {
  /** `http://127.0.0.1:PORT`: give this to swamp instead of the server's address. */
  url: string;
  port: number;
  /** Requests seen (forwarded or refused) since start or the last `reset()`. */
  requests(): SeenRequest[];
  reset(): void;
  /**
   * From now on, drops the connection of every request `filter` matches before it reaches the
   * server (the client sees a reset, as on a broken network; with `status`, it gets that HTTP
   * answer instead: a refusal no client retries); `null` forwards everything again.
   */
  refuse(filter: RequestFilter, options?: { status?: number }): void;
  /** From now on, removes these headers (any case) from every answer; `[]` keeps them all again. */
  stripResponseHeaders(names: string[]): void;
  stop(): Promise<void>;
}

/**
 * Starts a counting proxy in front of `upstream` (`http://host:port`). Each request reaches the
 * server on a connection of its own, whose `Connection: close` the client sees too; `keepAlive`
 * drops that hop-by-hop header instead, so a client keeps its connections as against a real
 * store (the benchmarks: a new connection per request is a cost no real client pays).
 */
export async function startCountingProxy(
  upstream: string,
  options: { keepAlive?: boolean } = {},
): Promise<CountingProxy> {
  const target = new URL(upstream);
  let seen: SeenRequest[] = [];
  let refusing: RequestFilter = null;
  let refusalStatus: number | undefined;
  const hopByHop = options.keepAlive ? ["connection", "keep-alive"] : [];
  let stripped = new Set<string>(hopByHop);
  const server: Server = createServer((req, res) => {
    const request: SeenRequest = {
      method: req.method ?? "?",
      path: req.url ?? "",
      bytes: Number(req.headers["content-length"] ?? 0) || 0,
    };
    seen.push(request);
    if (refusing?.(request)) {
      request.refused = true;
      if (refusalStatus === undefined) req.socket.destroy();
      else {
        req.resume();
        res.writeHead(refusalStatus, { "content-type": "text/plain", connection: "close" });
        res.end(`refused by the counting proxy: ${request.method} ${request.path}`);
      }
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
        // Node adds a Date of its own to any answer that has none.
        if (stripped.has("date")) res.sendDate = false;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHeaders(answer, stripped));
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
    reset() {
      seen = [];
    },
    refuse(filter, options = {}) {
      refusing = filter;
      refusalStatus = options.status;
    },
    stripResponseHeaders(names) {
      stripped = new Set([...hopByHop, ...names.map((name) => name.toLowerCase())]);
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

/** `rawHeaders` without the ones named in `names` (lower case). */
function withoutHeaders(message: IncomingMessage, names: Set<string>): string[] {
  const raw = rawHeaders(message);
  if (names.size === 0) return raw;
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!names.has((raw[i] as string).toLowerCase())) kept.push(raw[i] as string, raw[i + 1] as string);
  return kept;
}

export const isWrite = (q: SeenRequest) => q.method === "PUT" || q.method === "POST" || q.method === "DELETE";

/** The request path decoded, so an object name sent in the query (GCS uploads) reads as a path. */
export function requestPath(q: SeenRequest): string {
  try {
    return decodeURIComponent(q.path);
  } catch {
    return q.path;
  }
}

/** A write of a data object (S3 PUT, GCS upload POST or a DELETE): not a lease, not the index. */
export const isDataWrite = (q: SeenRequest) => isWrite(q) && requestPath(q).includes("/data/");
