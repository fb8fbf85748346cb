import { beforeAll, beforeEach } from "bun:test";
import { afterThisFile } from "./cleanup.ts";
import { type CountingProxy, startCountingProxy } from "./counting-proxy.ts";
import { type RemoteKind, type RemoteServer, startRemote } from "./remote.ts";

/** A server and the counting proxy in front of it, set once the describe's `beforeAll` ran. */
export interface ProxiedServer {
  readonly server: RemoteServer;
  /** Clones that reach the store through it can be counted and cut off from chosen requests. */
  readonly proxy: CountingProxy;
}

/**
 * Call inside a `describe`: starts a server of `kind` with a counting proxy in front for the
 * describe; before each test the server is emptied and the proxy forwards everything again.
 */
export function useProxiedServer(kind: RemoteKind): ProxiedServer {
  const started: { server?: RemoteServer; proxy?: CountingProxy } = {};
  beforeAll(async () => {
    const server = await startRemote(kind);
    const proxy = await startCountingProxy(server.endpoint);
    afterThisFile(() => proxy.stop());
    Object.assign(started, { server, proxy });
  });
  beforeEach(async () => {
    started.proxy?.refuse(null);
    await started.server?.reset();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useProxiedServer: read before the describe's beforeAll ran");
    return value;
  };
  return {
    get server() {
      return ready(started.server);
    },
    get proxy() {
      return ready(started.proxy);
    },
  };
}
