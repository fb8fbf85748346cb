import { beforeAll, describe, test } from "bun:test";
import { join } from "node:path";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import { type CountingProxy, type SeenRequest, startCountingProxy } from "./support/counting-proxy.ts";
import {
  type BucketClient,
  heldLeaseObjects,
  REMOTE_KINDS,
  type RemoteServer,
  startRemote,
} from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import { seedRecords } from "./support/seed.ts";
import { cloneRepo, describeRun, expectExit, makeRepo, type Repo, type RunResult } from "./support/swamp.ts";
import { waitUntil } from "./support/wait.ts";

installCleanup();

/** Per command and signal. */
const TRIALS_PER_SIGNAL = 10;
const SIGNALS = [
  { signal: "SIGINT", code: 130 },
  { signal: "SIGTERM", code: 143 },
] as const;
/** Records in each bucket, so that every command has a few dozen requests to make. */
const RECORDS = 20;
/** An interrupted command exits within 5 s; far more than that means it hung. */
const TRIAL_LIMIT_MS = 15_000;

/** One command interrupted again and again, in a repo and bucket of its own (no other command's leases). */
interface Stream {
  label: string;
  args: string[];
  /** Runs before each trial: gives the command work to do. Returns the repo to run it in. */
  prepare(): Promise<Repo>;
  /** Sees every request the command makes. */
  counter: CountingProxy;
  bucket: BucketClient;
}

interface Trial {
  signal: string;
  /** Ms after the command's first request that the signal was sent. */
  afterMs: number;
  r: RunResult;
  leases: string[];
}

describe.each(REMOTE_KINDS)("SIGINT and SIGTERM while a command talks to %s", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });

  test("exit 130 / 143 at a random moment of push, pull, put and setup; no lease is left in the bucket", async () => {
    const seed = Number(process.env.UAT_SEED ?? Date.now() % 1_000_000);
    const streams = await Promise.all(["push", "pull", "put", "setup"].map((label) => stream(server, label)));
    const results = await Promise.all(streams.map((s, i) => runTrials(s, mulberry32(seed + i))));

    const lines = [`${kind}, seed ${seed} (UAT_SEED to replay):`];
    for (const { stream: s, trials } of results) {
      const interrupted = trials.filter((t) => t.r.code !== 0).length;
      lines.push(
        `  ${s.label.padEnd(6)} ${interrupted}/${trials.length} interrupted, the rest completed first`,
      );
    }
    console.log(lines.join("\n"));
    for (const { stream: s, trials } of results) {
      for (const t of trials) expectCleanStop(s, t, seed);
      // Enough trials must really stop the command half-way, or the test proves little.
      if (trials.filter((t) => t.r.code !== 0).length < trials.length / 4)
        throw new Error(`${s.label}: most trials completed before the signal (UAT_SEED=${seed})`);
    }
  }, 150_000);
});

/** A repo on a bucket of its own behind a counting proxy, and how to give `label` work before each trial. */
async function stream(server: RemoteServer, label: string): Promise<Stream> {
  const counter = await startCountingProxy(server.endpoint);
  afterThisFile(() => counter.stop());
  const bucket = await server.createBucket();
  const origin = await makeRepo(server.env);
  await seedRecords(join(origin.dir, ".swamp"), RECORDS, label);
  const setupArgs = server.setupArgs(bucket.name, { prefix: "swamp", endpoint: counter.url });
  expectExit(await origin.run([...setupArgs, "--json"]), 0);
  await put(origin, "vpc", "main", '{"n":0}');
  let puts = 0;
  const base = { label, counter, bucket };
  switch (label) {
    case "push":
      // A put whose data the store refuses leaves a version pending: the push has it to send.
      return {
        ...base,
        args: ["datastore", "sync", "--push"],
        async prepare() {
          counter.refuse(isDataWrite, { status: 403 });
          const r = await origin.run(["data", "put", "vpc", "main", "--value", `{"n":${++puts}}`, "--json"]);
          counter.refuse(null);
          if (r.code === 0) throw new Error(`the refused put succeeded.\n${describeRun(r)}`);
          return origin;
        },
      };
    case "pull":
      // A new clone has the whole bucket to download.
      return { ...base, args: ["datastore", "sync", "--pull"], prepare: async () => cloneRepo(origin) };
    case "put":
      return {
        ...base,
        args: ["data", "put", "vpc", "main", "--value", '{"n":"put"}'],
        prepare: async () => origin,
      };
    default:
      // Setup again onto the same bucket: the health check, the global lease, a pull and a push.
      return { ...base, args: setupArgs, prepare: async () => origin };
  }
}

async function runTrials(s: Stream, random: () => number): Promise<{ stream: Stream; trials: Trial[] }> {
  const window = await stopWindow(s);
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS_PER_SIGNAL * SIGNALS.length; i++) {
    const { signal } = SIGNALS[i % SIGNALS.length] as (typeof SIGNALS)[number];
    const repo = await s.prepare();
    const before = s.counter.requests().length;
    const bg = repo.spawn([...s.args, "--json"], { timeoutMs: TRIAL_LIMIT_MS });
    await waitUntil(() => s.counter.requests().length > before || bg.proc.exitCode !== null, {
      what: `swamp ${s.args.join(" ")} to reach the store`,
      intervalMs: 1,
    });
    // A random moment of the command's talk with the store, not a wait for something to happen.
    const afterMs = Math.floor(random() * window);
    await Bun.sleep(afterMs);
    bg.kill(signal);
    const r = await bg.result;
    trials.push({ signal, afterMs, r, leases: await heldLeaseObjects(s.bucket) });
  }
  return { stream: s, trials };
}

/**
 * The window to stop a command in: the first 60 % of the time from its first request to its exit when it
 * runs to the end (the shorter of two runs, as the first may be slow to warm up).
 */
async function stopWindow(s: Stream): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < 2; run++) {
    const repo = await s.prepare();
    const before = s.counter.requests().length;
    const bg = repo.spawn([...s.args, "--json"]);
    await waitUntil(() => s.counter.requests().length > before || bg.proc.exitCode !== null, {
      what: `swamp ${s.args.join(" ")} to reach the store`,
      intervalMs: 1,
    });
    const started = performance.now();
    expectExit(await bg.result, 0);
    runs.push(performance.now() - started);
  }
  return Math.max(20, 0.6 * Math.min(...runs));
}

function expectCleanStop(s: Stream, t: Trial, seed: number): void {
  const expected = SIGNALS.find((x) => x.signal === t.signal)?.code;
  const where = `${s.label}, ${t.signal} ${t.afterMs} ms after the first request (UAT_SEED=${seed})`;
  if (t.r.timedOut || (t.r.code !== 0 && t.r.code !== expected))
    throw new Error(`${where}: expected exit ${expected} (or 0 if it finished first).\n${describeRun(t.r)}`);
  if (t.leases.length > 0)
    throw new Error(`${where}: leases left in the bucket:\n${t.leases.join("\n")}\n${describeRun(t.r)}`);
}

const isDataWrite = (q: SeenRequest) =>
  (q.method === "PUT" || q.method === "POST") && decodeURIComponent(q.path).includes("/data/");

/** A small seeded generator, so a failing run can be replayed with UAT_SEED. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
