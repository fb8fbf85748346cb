import { type CountingProxy, isDataWrite } from "./counting-proxy.ts";
import { putArgs } from "./remote-repo.ts";
import { describeRun, type Repo, type RunOptions, type RunResult } from "./swamp.ts";

/**
 * What a writing command says when its push failed: the version stays pending in the cache
 * (docs/architecture.md, "Pending versions").
 */
export const PUSH_FAILED = "Your changes are kept in the local cache";

/**
 * `data put` from `repo`, whose store is reached through `proxy`, while the network drops
 * every data upload: the lease, the pull and the local write succeed, the push cannot. Fails
 * unless the command exits non-zero, saying the change is kept locally, after trying to upload.
 * The version it wrote is then pending in the repo's cache. With `refusal.status`, the uploads
 * get that HTTP answer instead of a dropped connection, so the put fails at once, unretried.
 */
export async function putWithFailingPush(
  proxy: CountingProxy,
  repo: Repo,
  model: string,
  name: string,
  value: string,
  refusal: { status?: number } = {},
  options: RunOptions = {},
): Promise<RunResult> {
  proxy.reset();
  proxy.refuse(isDataWrite, refusal);
  let r: RunResult;
  try {
    r = await repo.run(putArgs(model, name, value), options);
  } finally {
    proxy.refuse(null);
  }
  const problems = [
    r.code === 0 && "it exited 0 though no data upload could reach the store",
    !proxy.requests().some((q) => q.refused) && "it never tried to upload (no request was refused)",
    !r.stderr.includes(PUSH_FAILED) && `stderr does not say "${PUSH_FAILED}"`,
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`a put whose push cannot succeed: ${problems.join("; ")}.\n${describeRun(r)}`);
  return r;
}
