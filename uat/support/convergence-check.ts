import { DELETED_NAME, MODEL, type OpOutcome, TYPE } from "./convergence-ops.ts";
import { type VersionList, versionList } from "./record-view.ts";
import type { Repo } from "./swamp.ts";
import { sha256Hex } from "./tree.ts";
import { parseVersionFile, rawRel, versionFilesOf } from "./version-files.ts";

/** An acknowledged write: the op printed its result and exited 0. */
export interface AckedWrite {
  clone: number;
  seq: number;
  name: string;
  value: string;
  version: number;
}

/** The puts that printed their result and exited 0, with the version each reported. */
export function ackedWrites(outcomes: OpOutcome[]): AckedWrite[] {
  return outcomes.flatMap(({ op, put }) =>
    put && op.name !== null && op.value !== null
      ? [{ clone: op.clone, seq: op.seq, name: op.name, value: op.value, version: put.version }]
      : [],
  );
}

/** One place the data lives (the bucket, a clone's cache): data path → SHA-256. */
export interface View {
  label: string;
  files: Record<string, string>;
}

/**
 * What must hold once every clone has synced without faults:
 * - every acknowledged write to a name never deleted is in the bucket and in every repo, with exactly
 *   its bytes, at the version it reported; no two acknowledged writes reported the same version;
 * - no version file has two different contents anywhere (bucket or any repo);
 * - every repo holds the same data files as the first (the reference), and the bucket holds
 *   every version file they hold.
 */
export function dataViolations(modelId: string, acked: AckedWrite[], bucket: View, repos: View[]): string[] {
  const violations: string[] = [];
  const claimed = new Map<string, AckedWrite>();
  for (const write of acked.filter((w) => w.name !== DELETED_NAME)) {
    const rel = rawRel(TYPE, modelId, write.name, write.version);
    const who = `${write.name} v${write.version} (acknowledged to clone ${write.clone}, op ${write.seq})`;
    const earlier = claimed.get(rel);
    if (earlier) violations.push(`${who} was also acknowledged to clone ${earlier.clone}, op ${earlier.seq}`);
    claimed.set(rel, write);
    const sha = sha256Hex(write.value);
    const wrong = [bucket, ...repos].filter((view) => view.files[rel] !== sha);
    if (wrong.length > 0)
      violations.push(
        `${who} is ${wrong.map((view) => `${view.files[rel] === undefined ? "missing from" : "other bytes in"} ${view.label}`).join(", ")}`,
      );
  }

  const contents = new Map<string, Map<string, string[]>>();
  for (const view of [bucket, ...repos])
    for (const [rel, sha] of Object.entries(versionFilesOf(view.files))) {
      const byContent = contents.get(rel) ?? new Map<string, string[]>();
      byContent.set(sha, [...(byContent.get(sha) ?? []), view.label]);
      contents.set(rel, byContent);
    }
  for (const [rel, byContent] of contents)
    if (byContent.size > 1)
      violations.push(
        `${describe(rel)} has ${byContent.size} different contents: ${[...byContent.values()].map((labels) => labels.join(", ")).join(" | ")}`,
      );

  const [reference, ...others] = repos;
  if (reference) {
    for (const view of others)
      for (const rel of new Set([...Object.keys(view.files), ...Object.keys(reference.files)]))
        if (view.files[rel] !== reference.files[rel])
          violations.push(`${view.label} disagrees with ${reference.label} on ${rel}`);
    for (const rel of Object.keys(versionFilesOf(reference.files)))
      if (bucket.files[rel] === undefined) violations.push(`${bucket.label} lacks ${describe(rel)}`);
  }
  return violations;
}

/** Every repo lists the same versions and checksums of each name, with latest on the highest. */
export async function latestViolations(
  repos: { label: string; repo: Repo }[],
  names: string[],
): Promise<string[]> {
  const violations: string[] = [];
  for (const name of names) {
    const lists: { label: string; list: VersionList | null }[] = [];
    for (const { label, repo } of repos) lists.push({ label, list: await versionList(repo, MODEL, name) });
    const [first, ...rest] = lists;
    for (const { label, list } of lists) {
      const highest = list?.versions.at(-1)?.version;
      if (list && (list.latest.length !== 1 || list.latest[0] !== highest))
        violations.push(
          `${label}: ${name} marks ${JSON.stringify(list.latest)} latest, highest is v${highest}`,
        );
    }
    for (const { label, list } of rest)
      if (JSON.stringify(list) !== JSON.stringify(first?.list))
        violations.push(`${label}: data versions ${name} differs from ${first?.label}`);
  }
  return violations;
}

function describe(rel: string): string {
  const file = parseVersionFile(rel);
  return file ? `${file.name} v${file.version} ${file.file}` : rel;
}

/**
 * No value is at two versions: each of `values` (unique to the command that wrote it) is the
 * `raw` of one version at most, in every view together. A second copy is a write applied twice.
 */
export function reusedContentViolations(values: string[], views: View[]): string[] {
  const wanted = new Map(values.map((value) => [sha256Hex(value), value]));
  const found = new Map<string, Map<string, string[]>>();
  for (const view of views)
    for (const [rel, sha] of Object.entries(view.files)) {
      const file = parseVersionFile(rel);
      if (file?.file !== "raw" || !wanted.has(sha)) continue;
      const versions = found.get(sha) ?? new Map<string, string[]>();
      const at = `${file.name} v${file.version}`;
      versions.set(at, [...(versions.get(at) ?? []), view.label]);
      found.set(sha, versions);
    }
  const violations: string[] = [];
  for (const [sha, versions] of found)
    if (versions.size > 1)
      violations.push(
        `${JSON.stringify(wanted.get(sha))} is at ${versions.size} versions: ${[...versions].map(([at, labels]) => `${at} (${labels.join(", ")})`).join(", ")}`,
      );
  return violations;
}
