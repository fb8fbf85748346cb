// Client CPU per request of two ways of sending the same PUT and GET, measured in this process
// while the server runs in another, side by side in one run: rounds alternate which client goes
// first, after a warm-up round (modules loaded, JIT and pools warm); medians. Shared by the
// per-backend request benches; ratios are to the first client.
import { summarize } from "./measure.ts";
import { table } from "./report.ts";

/** One way of sending a PUT and a GET of `key`. */
export interface RequestClient {
  label: string;
  put(key: string, body: Uint8Array): Promise<unknown>;
  get(key: string): Promise<unknown>;
}

export interface RequestCpuOptions {
  requests: number;
  rounds: number;
  /** Requests in flight at once. */
  concurrency: number;
  bodyBytes: number;
}

/** CPU (user + system) and wall ms per call of `count` calls, `concurrency` at a time. */
async function perCall(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<{ cpu: number; wall: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) await call(i);
    }),
  );
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpu: (cpu.user + cpu.system) / 1000 / count, wall: wall / count };
}

/** The table of medians per client and operation, with each client's ratio to the first. */
export async function compareClients(clients: RequestClient[], options: RequestCpuOptions): Promise<string> {
  const body = new Uint8Array(options.bodyBytes).fill(0x61);
  const samples = new Map<string, { cpu: number[]; wall: number[] }>();
  for (let round = -1; round < options.rounds; round++) {
    const order = round % 2 === 0 ? clients : [...clients].reverse();
    for (const client of order) {
      const keys = Array.from(
        { length: round < 0 ? 50 : options.requests },
        (_, i) => `${client.label.replace(/\W+/g, "-")}/${round}/${i}`,
      );
      for (const [op, call] of [
        ["PUT", (key: string) => client.put(key, body)],
        ["GET", (key: string) => client.get(key)],
      ] as const) {
        const result = await perCall(keys.length, options.concurrency, (i) => call(keys[i] as string));
        if (round < 0) continue;
        const entry = samples.get(`${op} ${client.label}`) ?? { cpu: [], wall: [] };
        entry.cpu.push(result.cpu);
        entry.wall.push(result.wall);
        samples.set(`${op} ${client.label}`, entry);
      }
    }
  }
  const median = (op: string, label: string, of: "cpu" | "wall") =>
    summarize(samples.get(`${op} ${label}`)?.[of] ?? []).median;
  const base = clients[0]?.label ?? "";
  const rows = ["PUT", "GET"].flatMap((op) =>
    clients.map((c) => [
      op,
      c.label,
      median(op, c.label, "cpu").toFixed(3),
      `${(median(op, c.label, "cpu") / median(op, base, "cpu")).toFixed(2)}×`,
      median(op, c.label, "wall").toFixed(3),
      `${(median(op, c.label, "wall") / median(op, base, "wall")).toFixed(2)}×`,
    ]),
  );
  return [
    `${options.requests} requests of ${options.bodyBytes} B × ${options.rounds} rounds, ${options.concurrency} at a time (medians)`,
    table(
      ["op", "client", "CPU ms/req", "CPU ratio", "wall ms/req", "wall ratio"],
      rows,
      new Set([2, 3, 4, 5]),
    ),
  ].join("\n");
}

/** `--requests`, `--rounds`, `--concurrency` from the command line, with the benches' defaults. */
export function requestCpuOptions(args: string[]): RequestCpuOptions {
  const value = (flag: string, fallback: number) => {
    const at = args.indexOf(flag);
    const parsed = at >= 0 ? Number(args[at + 1]) : fallback;
    if (!Number.isSafeInteger(parsed) || parsed < 1) {
      console.error(`${flag} must be a positive whole number; got ${args[at + 1]}.`);
      process.exit(2);
    }
    return parsed;
  };
  return {
    requests: value("--requests", 500),
    rounds: value("--rounds", 5),
    concurrency: value("--concurrency", 16),
    bodyBytes: 1024,
  };
}
