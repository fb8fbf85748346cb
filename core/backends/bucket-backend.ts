/**
 * What the bucket backends (S3, GCS) share: a bucket and a prefix, the tuning of transfers,
 * the `<kind>:bucket[/prefix]` short form, and their placement behind a local cache.
 */

import { pullConcurrency, pushConcurrency, requestTimeoutMs } from "../tunables.ts";
import type { RawConfig, RemotePlacement } from "./backend-descriptor.ts";
import { intField, prefixField, requiredString } from "./config-fields.ts";

export interface RemoteTuning {
  pullConcurrency?: number;
  pushConcurrency?: number;
  requestTimeoutMs?: number;
}

export interface BucketConfig extends RemoteTuning {
  bucket: string;
  /** Without leading or trailing `/`. */
  prefix?: string;
}

export const TUNING_KEYS = ["pullConcurrency", "pushConcurrency", "requestTimeoutMs"] as const;

/** `SWAMP_DATASTORE=<kind>:bucket[/prefix]`. */
export const bucketShortForm = {
  syntax: "bucket[/prefix]",
  parse(rest: string): RawConfig {
    const slash = rest.indexOf("/");
    return slash < 0 ? { bucket: rest } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
  },
};

/** Bucket, prefix and tuning, checked in this order (the backend's own fields follow). */
export function bucketFields(
  raw: RawConfig,
  issues: string[],
  bucketProblem: (bucket: string) => string | undefined,
): BucketConfig {
  const bucket = requiredString(raw, "bucket", issues);
  if (bucket !== undefined) {
    const problem = bucketProblem(bucket);
    if (problem) issues.push(problem);
  }
  return {
    bucket: bucket ?? "",
    prefix: prefixField(raw, issues),
    pullConcurrency: intField(raw, "pullConcurrency", 1, 1000, issues),
    pushConcurrency: intField(raw, "pushConcurrency", 1, 1000, issues),
    requestTimeoutMs: intField(raw, "requestTimeoutMs", 1000, 600_000, issues),
  };
}

export interface BucketPlacement<C> extends RemotePlacement<C> {
  /** The env var that overrides `requestTimeoutMs` for this backend. */
  readonly requestTimeoutVariable: string;
}

/** A bucket behind the local cache, tuned by `requestTimeoutVariable` > config > defaults (core/tunables.ts). */
export function bucketPlacement<C extends BucketConfig>(options: {
  requestTimeoutVariable: string;
  endpoint(config: C): string | undefined;
}): BucketPlacement<C> {
  return {
    kind: "remote",
    requestTimeoutVariable: options.requestTimeoutVariable,
    location: (config) => ({
      bucket: config.bucket,
      prefix: config.prefix,
      endpoint: options.endpoint(config),
    }),
    tunables: (config, env) => ({
      requestTimeoutMs: requestTimeoutMs(env, options.requestTimeoutVariable, config),
      pullConcurrency: pullConcurrency(config),
      pushConcurrency: pushConcurrency(config),
    }),
  };
}

/** The options every bucket's `datastore setup` shares, after the bucket. */
export const PREFIX_FLAG = { flags: "--prefix <prefix>", help: "keep everything under this key prefix" };
