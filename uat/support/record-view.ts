import type { GetDoc, VersionsDoc } from "./shapes.ts";
import { describeRun, expectExit, type Repo } from "./swamp.ts";

/** What `data versions` shows of one record in one repo: each version's checksum, and which is latest. */
export interface VersionList {
  latest: number[];
  versions: { version: number; checksum: string | undefined }[];
}

/** `data versions model name --json`; null when the repo has no such record (a deleted name). */
export async function versionList(repo: Repo, model: string, name: string): Promise<VersionList | null> {
  const r = await repo.run(["data", "versions", model, name, "--json"]);
  if (r.code !== 0 && r.stderr.includes("not_found")) return null;
  const doc = expectExit(r, 0).json<VersionsDoc>();
  return {
    latest: doc.versions.filter((v) => v.isLatest).map((v) => v.version),
    versions: doc.versions
      .map((v) => ({ version: v.version, checksum: v.checksum }))
      .sort((x, y) => x.version - y.version),
  };
}

/** `versionList`, which must exist, with latest exactly on the highest version. */
export async function expectRecord(repo: Repo, model: string, name: string): Promise<VersionList> {
  const list = await versionList(repo, model, name);
  if (list === null) throw new Error(`${repo.dir}: ${model}/${name} does not exist`);
  const highest = list.versions.at(-1)?.version;
  if (list.latest.length !== 1 || list.latest[0] !== highest)
    throw new Error(
      `${repo.dir}: ${model}/${name} marks ${JSON.stringify(list.latest)} as latest, the highest version is ${highest}`,
    );
  return list;
}

/** The content of every version, as `data get --version N --json` shows it: version → text. */
export async function contents(repo: Repo, model: string, name: string): Promise<Record<number, string>> {
  const out: Record<number, string> = {};
  for (const { version } of (await expectRecord(repo, model, name)).versions) {
    const r = await repo.run(["data", "get", model, name, "--version", String(version), "--json"]);
    const doc = expectExit(r, 0).json<GetDoc>();
    if (doc.version !== version)
      throw new Error(`asked for v${version}, got v${doc.version}\n${describeRun(r)}`);
    out[version] = typeof doc.content === "string" ? doc.content : JSON.stringify(doc.content);
  }
  return out;
}
