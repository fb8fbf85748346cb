// The raw SDK limit of the remote benchmark, run as its own process so that its CPU is its own:
// the same transfers as swamp (push: one PUT per file; pull: a listing, then one GET per object,
// written to disk) through S3ObjectStore, i.e. the SDK's signer and credentials sent through
// @smithy/node-http-handler, with swamp's transfer concurrency and none of its sync logic (no
// index, no leases, no catalog). Prints `{"files": N, "bytes": B}`.
//   bun bench/remote-raw.ts push|pull ENDPOINT BUCKET PREFIX DIR
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { S3ObjectStore } from "../adapters/s3/s3-object-store.ts";
import { pullConcurrency, pushConcurrency } from "../core/tunables.ts";
import { forEachConcurrent } from "./seed.ts";

const [mode, endpoint, bucket, prefix, dir] = process.argv.slice(2);
if ((mode !== "push" && mode !== "pull") || !endpoint || !bucket || !prefix || !dir) {
  console.error("usage: bun bench/remote-raw.ts push|pull ENDPOINT BUCKET PREFIX DIR");
  process.exit(2);
}

/** What swamp's S3 backend would get from the same settings (adapters/s3/s3-backend.ts). */
const store = new S3ObjectStore({
  bucket,
  prefix,
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  maxSockets: Math.max(pullConcurrency(), pushConcurrency()),
});

let bytes = 0;
let keys: string[];
try {
  if (mode === "push") {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    keys = entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
    await forEachConcurrent(keys.length, pushConcurrency(), async (i) => {
      const key = keys[i] as string;
      const body = await readFile(join(dir, key));
      const written = await store.put(key, body);
      if (!written.ok) throw new Error(`PUT ${key}: ${written.reason}`);
      bytes += body.byteLength;
    });
  } else {
    keys = [];
    for await (const object of store.list("")) keys.push(object.key);
    await forEachConcurrent(keys.length, pullConcurrency(), async (i) => {
      const key = keys[i] as string;
      const object = await store.get(key);
      if (!object) throw new Error(`GET ${key}: gone after the listing`);
      await mkdir(dirname(join(dir, key)), { recursive: true });
      await writeFile(join(dir, key), object.body);
      bytes += object.body.byteLength;
    });
  }
} finally {
  store.close();
}
console.log(JSON.stringify({ files: keys.length, bytes }));
