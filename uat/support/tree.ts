import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `roots` (relative to `base`) with the SHA-256 of its bytes; directories end in `/`. */
export function snapshotTree(base: string, roots: string[], ignore: (path: string) => boolean = () => false) {
  const entries: Record<string, string> = {};
  const visit = (abs: string) => {
    const rel = relative(base, abs);
    if (ignore(rel)) return;
    if (statSync(abs).isDirectory()) {
      entries[`${rel}/`] = "dir";
      for (const name of readdirSync(abs).sort()) visit(join(abs, name));
    } else {
      entries[rel] = sha256Hex(readFileSync(abs));
    }
  };
  for (const root of roots) if (existsSync(join(base, root))) visit(join(base, root));
  return entries;
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every file and directory under `dir` with its size and mtime: what changes if anything writes. */
export function statTree(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const visit = (abs: string) => {
    const stats = statSync(abs);
    entries[relative(dir, abs) || "."] = `${stats.isDirectory() ? "dir" : stats.size} @${stats.mtimeMs}`;
    if (stats.isDirectory()) for (const name of readdirSync(abs).sort()) visit(join(abs, name));
  };
  if (existsSync(dir)) visit(dir);
  return entries;
}

/**
 * Fails, listing at most `shown` differences, unless `actual` has exactly the files of
 * `expected` with the same hashes. Large trees make `toEqual` diffs unreadable.
 */
export function expectSameFiles(
  what: string,
  actual: Record<string, string>,
  expected: Record<string, string>,
  shown = 10,
): void {
  const paths = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  const differences = paths
    .filter((path) => actual[path] !== expected[path])
    .map((path) =>
      actual[path] === undefined
        ? `missing: ${path}`
        : expected[path] === undefined
          ? `unexpected: ${path}`
          : `different bytes: ${path}`,
    );
  if (differences.length === 0) return;
  throw new Error(
    `${what}: ${Object.keys(actual).length} file(s), expected ${Object.keys(expected).length}; ${differences.length} difference(s):\n  ${differences.slice(0, shown).join("\n  ")}${differences.length > shown ? "\n  …" : ""}`,
  );
}

/**
 * Fails, listing at most `shown` paths, unless every file of `before` is still in `after` with
 * the same hash: nothing deleted, nothing overwritten. New files are allowed.
 */
export function expectKept(
  what: string,
  after: Record<string, string>,
  before: Record<string, string>,
  shown = 10,
): void {
  const lost = Object.keys(before)
    .filter((path) => after[path] !== before[path])
    .sort()
    .map((path) => `${after[path] === undefined ? "deleted" : "overwritten"}: ${path}`);
  if (lost.length === 0) return;
  throw new Error(
    `${what}: ${lost.length} of ${Object.keys(before).length} file(s) deleted or overwritten:\n  ${lost.slice(0, shown).join("\n  ")}${lost.length > shown ? "\n  …" : ""}`,
  );
}
