import type { Invocation } from "../run.ts";
import { type RemoteSetupOpts, setupRemote } from "./datastore-setup-remote.ts";

interface Opts extends RemoteSetupOpts {
  bucket: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

export function run(inv: Invocation<Opts>): Promise<void> {
  const o = inv.opts;
  return setupRemote(inv, {
    kind: "s3",
    bucket: o.bucket,
    ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    ...(o.forcePathStyle ? { forcePathStyle: true } : {}),
  });
}
