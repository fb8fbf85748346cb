import { cacheDir, isNotData } from "./remote-repo.ts";
import type { Repo } from "./swamp.ts";
import { snapshotTree } from "./tree.ts";

/** The files of one version of a data record: `data/{type}/{modelId}/{name}/{version}/{raw|metadata.yaml}`. */
export interface VersionFile {
  modelId: string;
  name: string;
  version: number;
  file: "raw" | "metadata.yaml";
}

const VERSION_FILE = /^data\/.+\/([0-9a-f-]{36})\/([^/]+)\/(\d+)\/(raw|metadata\.yaml)$/;

/** The version file at `rel` (relative to the datastore root), or null for anything else (a `latest` marker, a dir). */
export function parseVersionFile(rel: string): VersionFile | null {
  const m = VERSION_FILE.exec(rel);
  if (!m) return null;
  const [, modelId = "", name = "", version = "", file] = m;
  return { modelId, name, version: Number(version), file: file as VersionFile["file"] };
}

/** Where version `version` of `name` keeps its bytes, relative to the datastore root. */
export function rawRel(type: string, modelId: string, name: string, version: number): string {
  return `data/${type}/${modelId}/${name}/${version}/raw`;
}

/** Only the version files of a `path → hash` snapshot: what every clone and the bucket must agree on. */
export function versionFilesOf(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([rel]) => parseVersionFile(rel) !== null));
}

/** Every data file in a repo's cache (version files and `latest` markers), path → SHA-256. */
export function cacheData(repo: Repo): Record<string, string> {
  const tree = snapshotTree(cacheDir(repo), ["data"], isNotData);
  return Object.fromEntries(Object.entries(tree).filter(([rel]) => !rel.endsWith("/")));
}
