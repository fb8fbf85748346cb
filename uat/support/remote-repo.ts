import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { BucketClient, RemoteServer } from "./remote.ts";
import type { LockEntry, LockStatusDoc, PutDoc, SetupDoc } from "./shapes.ts";
import { cloneRepo, expectExit, makeRepo, type Repo } from "./swamp.ts";
import { sha256Hex } from "./tree.ts";

/** A repo whose datastore is a fresh bucket on `server`, under `prefix`. */
export interface RemoteRepo {
  repo: Repo;
  bucket: BucketClient;
  prefix: string;
  setup: SetupDoc;
}

/** `repo init` + `ds setup <kind> --json` on a new bucket; `endpoint` puts a proxy in the way. */
export async function makeRemoteRepo(
  server: RemoteServer,
  options: { prefix?: string; endpoint?: string; bucket?: BucketClient } = {},
): Promise<RemoteRepo> {
  const prefix = options.prefix ?? "swamp";
  const bucket = options.bucket ?? (await server.createBucket());
  const repo = await makeRepo(server.env);
  const args = [...server.setupArgs(bucket.name, { prefix, endpoint: options.endpoint }), "--json"];
  const setup = expectExit(await repo.run(args), 0).json<SetupDoc>();
  return { repo, bucket, prefix, setup };
}

/** Where a repo's remote datastore is cached: `$SWAMP_HOME/repos/{repoId}`. */
export function cacheDir(repo: Repo): string {
  return join(repo.swampHome, "repos", repo.repoId);
}

/**
 * `cloneRepo` on a machine that reaches the store at `endpoint` (a proxy of its own, or the
 * server itself): the endpoint in the clone's `.swamp.yaml` is rewritten, nothing else.
 */
export function cloneVia(source: Repo, endpoint: string): Repo {
  const clone = cloneRepo(source);
  const file = join(clone.dir, ".swamp.yaml");
  const doc = parse(readFileSync(file, "utf8")) as {
    datastore?: { type?: string; config?: Record<string, unknown> };
  };
  const config = doc.datastore?.config;
  const key = doc.datastore?.type === "gcs" ? "apiEndpoint" : "endpoint";
  if (config?.[key] === undefined) throw new Error(`${file} names no ${key} to rewrite`);
  config[key] = endpoint;
  writeFileSync(file, stringify(doc));
  return clone;
}

/** The arguments of `data put model name --value value --json` (with `--model-type`, so it works the first time). */
export function putArgs(model: string, name: string, value: string, type = "uat"): string[] {
  return ["data", "put", model, name, "--model-type", type, "--value", value, "--json"];
}

/** `data put model name --value value --json`, which must exit 0. */
export async function put(
  repo: Repo,
  model: string,
  name: string,
  value: string,
  type = "uat",
): Promise<PutDoc> {
  return expectExit(await repo.run(putArgs(model, name, value, type)), 0).json<PutDoc>();
}

/**
 * The data objects in the bucket under `{prefix}/data/`, as `data/…` path → SHA-256 of the
 * bytes, read with the vendor's SDK. Lease objects are left out.
 */
export function bucketData(bucket: BucketClient, prefix: string): Promise<Record<string, string>> {
  return bucketObjects(bucket, prefix, "data/");
}

/** Every object under `{prefix}/{under}` but the leases (data, index…), as path below the prefix → SHA-256. */
export async function bucketObjects(
  bucket: BucketClient,
  prefix: string,
  under = "",
): Promise<Record<string, string>> {
  const root = `${prefix}/`;
  const out: Record<string, string> = {};
  const keys = (await bucket.keys(`${root}${under}`)).filter((k) => !k.endsWith(".lock"));
  await inBatches(keys, 32, async (key) => {
    const body = await bucket.get(key);
    if (body !== null) out[key.slice(root.length)] = sha256Hex(body);
  });
  return sorted(out);
}

/** Runs `fn` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}

function sorted(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The leases `ds lock status --json` reports as held (global and per model), stale or not. */
export async function heldLeases(repo: Repo): Promise<string[]> {
  const doc = expectExit(await repo.run(["datastore", "lock", "status", "--json"]), 0).json<LockStatusDoc>();
  const describe = (scope: string | undefined, lease: LockEntry) =>
    `${scope}${lease.stale ? ` (stale: ${lease.staleReason ?? "?"})` : ""}: ${JSON.stringify(lease.info)}`;
  const held: string[] = [];
  if (doc.global.held) held.push(describe("global", doc.global));
  for (const m of doc.models) if (m.held) held.push(describe(m.lockScope, m));
  return held;
}

/** Not data: the engine's temp files, lease objects and the repo-local catalog. */
export function isNotData(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf("/") + 1);
  // `latest` markers are derived in each cache from its version directories, never synced.
  return base.endsWith(".tmp") || base === ".lock" || base === "latest" || base.startsWith("_catalog.db");
}
