// Client CPU per S3 request, side by side on one moto server in one run: the SDK's command
// stack (S3Client.send, as the adapter sent before) against the store's lean path (the SDK's
// signer and HTTP handler, no middleware). Rounds alternate which path goes first; medians.
//   bun bench/s3-request-cpu.ts [--requests 500] [--rounds 5] [--concurrency 16]
import { Agent as HttpAgent } from "node:http";
import { parseArgs } from "node:util";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { S3ObjectStore } from "../adapters/s3/s3-object-store.ts";
import { summarize } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "500" },
    rounds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const BUCKET = "s3-request-cpu";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const BODY = new Uint8Array(1024).fill(120);

interface RequestPath {
  name: "sdk" | "lean";
  put(key: string): Promise<void>;
  get(key: string): Promise<void>;
  close(): void;
}

/** The SDK's command stack with the settings the adapter used: one attempt, keep-alive pool. */
function sdkPath(endpoint: string): RequestPath {
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: CONCURRENCY }),
      requestTimeout: 30_000,
      socketTimeout: 30_000,
    }),
  });
  return {
    name: "sdk",
    async put(key) {
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: BODY,
          ContentLength: BODY.byteLength,
          ContentType: "application/octet-stream",
        }),
      );
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      await out.Body?.transformToByteArray();
    },
    close: () => client.destroy(),
  };
}

function leanPath(endpoint: string): RequestPath {
  const store = new S3ObjectStore({
    bucket: BUCKET,
    endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxSockets: CONCURRENCY,
  });
  return {
    name: "lean",
    async put(key) {
      const written = await store.put(key, BODY);
      if (!written.ok) throw new Error(`PUT ${key}: ${written.reason}`);
    },
    async get(key) {
      if (!(await store.get(key))) throw new Error(`GET ${key}: missing`);
    },
    close: () => store.close(),
  };
}

/** CPU (user + system) and wall ms per request of `count` calls, `CONCURRENCY` at a time. */
async function measure(
  count: number,
  call: (i: number) => Promise<void>,
): Promise<{ cpu: number; wall: number }> {
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await call(i);
    }),
  );
  const wall = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { cpu: (cpu.user + cpu.system) / 1000 / count, wall: wall / count };
}

const world = await startMotoWorld("s3-request-cpu", BUCKET);
const paths = [sdkPath(world.moto.endpoint), leanPath(world.moto.endpoint)];
const samples = new Map<string, { cpu: number[]; wall: number[] }>();
try {
  for (let round = -1; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? paths : [...paths].reverse();
    for (const path of order) {
      const keys = Array.from({ length: round < 0 ? 50 : REQUESTS }, (_, i) => `${path.name}/${round}/${i}`);
      for (const [op, call] of [
        ["PUT", path.put],
        ["GET", path.get],
      ] as const) {
        const result = await measure(keys.length, (i) => call(keys[i] as string));
        if (round < 0) continue; // warm-up: modules loaded, JIT and pools warm
        const entry = samples.get(`${op} ${path.name}`) ?? { cpu: [], wall: [] };
        entry.cpu.push(result.cpu);
        entry.wall.push(result.wall);
        samples.set(`${op} ${path.name}`, entry);
      }
    }
  }
} finally {
  for (const path of paths) path.close();
  await world.close();
}

const median = (op: string, name: string, of: "cpu" | "wall") =>
  summarize(samples.get(`${op} ${name}`)?.[of] ?? []).median;
console.log(
  `S3 client CPU per request on one moto server: ${REQUESTS} requests of 1 KB x ${ROUNDS} rounds, ${CONCURRENCY} at a time (medians)`,
);
console.log(
  "op   | sdk CPU ms/req | lean CPU ms/req | CPU lean/sdk | sdk wall ms/req | lean wall ms/req | wall lean/sdk",
);
for (const op of ["PUT", "GET"]) {
  const [sdkCpu, leanCpu, sdkWall, leanWall] = [
    median(op, "sdk", "cpu"),
    median(op, "lean", "cpu"),
    median(op, "sdk", "wall"),
    median(op, "lean", "wall"),
  ];
  console.log(
    [
      op.padEnd(4),
      sdkCpu.toFixed(3).padStart(14),
      leanCpu.toFixed(3).padStart(15),
      `${(leanCpu / sdkCpu).toFixed(2)}x`.padStart(12),
      sdkWall.toFixed(3).padStart(15),
      leanWall.toFixed(3).padStart(16),
      `${(leanWall / sdkWall).toFixed(2)}x`.padStart(13),
    ].join(" | "),
  );
}
