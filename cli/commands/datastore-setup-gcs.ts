import type { Invocation } from "../run.ts";
import { type RemoteSetupOpts, setupRemote } from "./datastore-setup-remote.ts";

interface Opts extends RemoteSetupOpts {
  bucket: string;
  prefix?: string;
  project?: string;
  apiEndpoint?: string;
}

export function run(inv: Invocation<Opts>): Promise<void> {
  const o = inv.opts;
  return setupRemote(inv, {
    kind: "gcs",
    bucket: o.bucket,
    ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
    ...(o.project !== undefined ? { projectId: o.project } : {}),
    ...(o.apiEndpoint !== undefined ? { apiEndpoint: o.apiEndpoint } : {}),
  });
}
