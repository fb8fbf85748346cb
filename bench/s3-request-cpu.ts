// Client CPU per S3 request, side by side on one moto server in one run: the SDK's command
// stack (S3Client.send, as the adapter sent before) against the store's lean path (the SDK's
// signer and HTTP handler, no middleware). See bench/request-cpu.ts for how it is measured.
//   bun bench/s3-request-cpu.ts [--requests 500] [--rounds 5] [--concurrency 16]
import { Agent as HttpAgent } from "node:http";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { S3ObjectStore } from "../adapters/s3/s3-object-store.ts";
import { startMotoWorld } from "./moto-world.ts";
import { compareClients, type RequestClient, requestCpuOptions } from "./request-cpu.ts";

const options = requestCpuOptions(process.argv.slice(2));
const BUCKET = "s3-request-cpu";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/** The SDK's command stack with the settings the adapter used: one attempt, keep-alive pool. */
function sdkClient(endpoint: string): RequestClient & { close(): void } {
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: options.concurrency }),
      requestTimeout: 30_000,
      socketTimeout: 30_000,
    }),
  });
  return {
    label: "SDK command stack",
    async put(key, body) {
      await client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
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

function leanClient(endpoint: string): RequestClient & { close(): void } {
  const store = new S3ObjectStore({
    bucket: BUCKET,
    endpoint,
    forcePathStyle: true,
    credentials: CREDENTIALS,
    maxSockets: options.concurrency,
  });
  return {
    label: "swamp S3ObjectStore (lean)",
    async put(key, body) {
      const written = await store.put(key, body);
      if (!written.ok) throw new Error(`PUT ${key}: ${written.reason}`);
    },
    async get(key) {
      if (!(await store.get(key))) throw new Error(`GET ${key}: missing`);
    },
    close: () => store.close(),
  };
}

const world = await startMotoWorld("s3-request-cpu", BUCKET);
const clients = [sdkClient(world.moto.endpoint), leanClient(world.moto.endpoint)];
try {
  console.log(`S3 client CPU per request on one moto server: ${await compareClients(clients, options)}`);
} finally {
  for (const client of clients) client.close();
  await world.close();
}
