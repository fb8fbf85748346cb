// CPU per request of an object store's reads and writes, measured in this process while the
// server runs in another: a client's cost per request, without the server's. Shared by the
// per-backend request benches; medians over rounds that alternate the clients side by side.
import { summarize } from "./measure.ts";
import { table } from "./report.ts";

/** One way of sending the same PUT and GET of `key`. */
export interface RequestClient {
  label: string;
  put(key: string, body: Uint8Array): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

interface PerRequest {
  putCpuMs: number;
  getCpuMs: number;
  putWallMs: number;
  getWallMs: number;
}

async function once(
  client: RequestClient,
  round: number,
  requests: number,
  body: Uint8Array,
): Promise<PerRequest> {
  const keys = Array.from({ length: requests }, (_, i) => `${client.label}/${round}/${i}`);
  const timed = async (fn: (key: string) => Promise<unknown>) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const key of keys) await fn(key);
    const used = process.cpuUsage(cpu);
    return {
      cpuMs: (used.user + used.system) / 1000 / requests,
      wallMs: (performance.now() - start) / requests,
    };
  };
  const put = await timed((key) => client.put(key, body));
  const get = await timed((key) => client.get(key));
  return { putCpuMs: put.cpuMs, getCpuMs: get.cpuMs, putWallMs: put.wallMs, getWallMs: get.wallMs };
}

/** Medians per client over `rounds` (each round runs every client once, in turn); the first client is the baseline of the ratios. */
export async function compareClients(
  clients: RequestClient[],
  options: { rounds: number; requests: number; bodyBytes: number },
): Promise<string> {
  const body = new Uint8Array(options.bodyBytes).fill(0x61);
  for (const client of clients) await once(client, -1, 20, body);
  const samples = new Map(clients.map((c) => [c.label, [] as PerRequest[]]));
  for (let round = 0; round < options.rounds; round++) {
    for (const client of clients)
      samples.get(client.label)?.push(await once(client, round, options.requests, body));
  }
  const median = (label: string, field: keyof PerRequest) =>
    summarize((samples.get(label) ?? []).map((s) => s[field])).median;
  const base = clients[0]?.label ?? "";
  const rows = clients.map((c) => [
    c.label,
    median(c.label, "putCpuMs").toFixed(3),
    median(c.label, "getCpuMs").toFixed(3),
    `${(median(c.label, "putCpuMs") / median(base, "putCpuMs")).toFixed(2)}×`,
    `${(median(c.label, "getCpuMs") / median(base, "getCpuMs")).toFixed(2)}×`,
    median(c.label, "putWallMs").toFixed(2),
    median(c.label, "getWallMs").toFixed(2),
  ]);
  return table(
    ["client", "PUT cpu ms", "GET cpu ms", "PUT cpu ratio", "GET cpu ratio", "PUT wall ms", "GET wall ms"],
    rows,
    new Set([1, 2, 3, 4, 5, 6]),
  );
}
