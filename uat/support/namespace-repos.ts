import { expect } from "bun:test";
import type { BucketClient, RemoteServer } from "./remote.ts";
import type { SetupDoc } from "./shapes.ts";
import { expectExit, makeRepo, type Repo } from "./swamp.ts";

/** A repo that joins `bucket` as namespace `ns` under `prefix`, with `setup … --namespace`. */
export async function joinNamespace(
  server: RemoteServer,
  bucket: BucketClient,
  ns: string,
  prefix: string,
): Promise<Repo> {
  const repo = await makeRepo(server.env);
  const args = [...server.setupArgs(bucket.name, { prefix }), "--namespace", ns, "--json"];
  expect(expectExit(await repo.run(args), 0).json<SetupDoc>()).toMatchObject({ namespace: ns, errors: [] });
  return repo;
}
