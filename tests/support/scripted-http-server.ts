/** A loopback HTTP server that answers every request with `answer(req)`, and counts them. */
export interface ScriptedHttpServer {
  url: string;
  requests(): number;
  stop(): Promise<void>;
}

export function startScriptedHttpServer(answer: (req: Request) => Response): ScriptedHttpServer {
  let requests = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      requests++;
      return answer(req);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests: () => requests,
    stop: () => server.stop(true),
  };
}
