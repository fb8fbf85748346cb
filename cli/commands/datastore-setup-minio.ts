import type { Invocation } from "../run.ts";
import { type RemoteSetupOpts, setupRemote } from "./datastore-setup-remote.ts";

interface Opts extends RemoteSetupOpts {
  bucket: string;
  endpoint: string;
  prefix?: string;
  region?: string;
}

/** MinIO and other S3-compatible servers: S3 with an endpoint and path-style addressing. */
export function run(inv: Invocation<Opts>): Promise<void> {
  const o = inv.opts;
  return setupRemote(inv, {
    kind: "s3",
    bucket: o.bucket,
    endpoint: o.endpoint,
    forcePathStyle: true,
    ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
  });
}
