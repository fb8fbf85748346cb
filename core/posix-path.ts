/**
 * Posix path math for core (no node:path): datastore paths and remote keys always use `/`.
 */

/** Collapses `//`, `.` and `..` segments; keeps a leading `/`; never returns "" (returns "." instead). */
export function normalizePosix(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  const body = out.join("/");
  if (absolute) return `/${body}`;
  return body === "" ? "." : body;
}

/** Joins segments with `/` and normalizes; empty segments are skipped. */
export function joinPosix(...parts: string[]): string {
  return normalizePosix(parts.filter((p) => p !== "").join("/"));
}

export function isAbsolutePosix(path: string): boolean {
  return path.startsWith("/");
}

/** Whether a normalized relative path climbs out of its starting directory. */
export function escapesRoot(relative: string): boolean {
  const normalized = normalizePosix(relative);
  return normalized === ".." || normalized.startsWith("../") || isAbsolutePosix(normalized);
}
