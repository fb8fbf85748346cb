import { parseVersionFile } from "./version-files.ts";

/**
 * Which of a set of paths cannot all be files in one tree (docs/architecture.md, "Keys that cannot
 * be placed"): a path that another needs as a folder (`files/a` and `files/a/x`), and, on a
 * case-insensitive disk, two spellings of one name (`files/A` and `files/a`, at any level).
 * What the cache already holds keeps its place; among the rest, version files come first (a
 * hostile entry must never shadow a version), then the first in code-unit order wins.
 */
export interface PlacedPaths {
  /** Files already in the cache, as spelled there: they are placed first. */
  held: Iterable<string>;
  /** Paths changed in the cache, files or folders: their spelling is taken, and their parents are folders. */
  touched: Iterable<string>;
  /** Files to place. */
  wanted: Iterable<string>;
}

type Kind = "file" | "folder" | "unknown";

interface Node {
  spelling: string;
  kind: Kind;
  /** The first path placed through this node, for messages. */
  by: string;
}

/** Case folding as case-insensitive disks do it, near enough: canonical composition, then lower case. */
export function foldCase(text: string): string {
  return text.normalize("NFC").toLowerCase();
}

/** The wanted paths that cannot be placed, each with why. `fold` names a case-insensitive disk. */
export function pathConflicts(
  paths: PlacedPaths,
  fold: (text: string) => string = (t) => t,
): Map<string, string> {
  const nodes = new Map<string, Node>();
  const place = (path: string, kind: Kind): string | null => {
    const steps: { spelling: string; key: string; kind: Kind }[] = [];
    for (let cut = path.indexOf("/"); ; cut = path.indexOf("/", cut + 1)) {
      const spelling = cut === -1 ? path : path.slice(0, cut);
      steps.push({ spelling, key: fold(spelling), kind: cut === -1 ? kind : "folder" });
      if (cut === -1) break;
    }
    for (const step of steps) {
      const node = nodes.get(step.key);
      if (node === undefined) continue;
      const why = clash(node, step.spelling, step.kind, path);
      if (why !== null) return why;
    }
    for (const step of steps) {
      const node = nodes.get(step.key);
      if (node === undefined) nodes.set(step.key, { spelling: step.spelling, kind: step.kind, by: path });
      else if (node.kind === "unknown") node.kind = step.kind;
    }
    return null;
  };
  for (const path of [...paths.held].sort()) place(path, "file");
  for (const path of [...paths.touched].sort()) place(path, "unknown");
  const conflicts = new Map<string, string>();
  const versionsFirst = (a: string, b: string) =>
    Number(parseVersionFile(a) === null) - Number(parseVersionFile(b) === null) ||
    (a < b ? -1 : a > b ? 1 : 0);
  for (const path of [...new Set(paths.wanted)].sort(versionsFirst)) {
    const why = place(path, "file");
    if (why !== null) conflicts.set(path, why);
  }
  return conflicts;
}

function clash(node: Node, spelling: string, kind: Kind, path: string): string | null {
  if (node.spelling !== spelling) {
    const what = spelling === path ? "it" : `its folder "${spelling}"`;
    return `${what} differs only in case from "${node.spelling}" (from "${node.by}"), and this cache is on a case-insensitive disk`;
  }
  if (node.kind === "file" && kind === "folder") {
    return `"${spelling}" is a file, so it cannot also be a folder holding this entry`;
  }
  if (node.kind === "folder" && kind === "file") {
    return `it is also a folder (holding "${node.by}"), so it cannot be a file`;
  }
  return null;
}
