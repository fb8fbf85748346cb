// `bun bench/lease-loop.ts ENDPOINT BUCKET PREFIX RUNS`: acquires and releases the global lease
// RUNS times in-process over the S3 store (as the CLI builds it) and prints one JSON document of
// samples. A child of bench/remote.ts, so that its CPU time is its own, not the proxy's.
import { LeaseLock } from "../adapters/lease-lock/lease-lock.ts";
import { S3ObjectStore } from "../adapters/s3/s3-object-store.ts";
import { CountingObjectStore } from "../adapters/store-decorators/counting-object-store.ts";
import { RetryingObjectStore } from "../adapters/store-decorators/retrying-object-store.ts";
import { systemClock } from "../adapters/system/system-clock.ts";
import { systemHost } from "../adapters/system/system-host.ts";
import { globalLockKey } from "../core/lock-keys.ts";

export interface LeaseSample {
  wallMs: number;
  cpuMs: number;
  requests: number;
}

const [endpoint, bucket, prefix, runsArg] = process.argv.slice(2);
if (!endpoint || !bucket || prefix === undefined || !runsArg) {
  console.error("usage: bun bench/lease-loop.ts ENDPOINT BUCKET PREFIX RUNS");
  process.exit(2);
}
const s3 = new S3ObjectStore({
  bucket,
  prefix,
  endpoint,
  forcePathStyle: true,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const store = new CountingObjectStore(s3);
const lock = new LeaseLock({
  store: new RetryingObjectStore(store, { clock: systemClock, random: Math.random }),
  key: globalLockKey(""),
  clock: systemClock,
  host: systemHost(),
  random: Math.random,
});

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const samples: LeaseSample[] = [];
// The first round creates the lock object and warms the connection: not a sample.
for (let i = 0; i <= Number(runsArg); i++) {
  store.reset();
  const wall = performance.now();
  const cpu = cpuMs();
  const lease = await lock.acquire({ maxWaitMs: 10_000 });
  await lease.release();
  if (i > 0)
    samples.push({ wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu, requests: store.total() });
}
s3.close();
console.log(JSON.stringify(samples));
