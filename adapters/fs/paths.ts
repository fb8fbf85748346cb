import { joinPosix, normalizePosix } from "../../core/posix-path.ts";

/**
 * node:path's functions that the folder adapters use, for the POSIX paths of the platforms swamp
 * builds for: node:path costs a compiled command about half a millisecond to load, a tenth of a
 * quick read's own work (docs/architecture.md, "Command line"). tests/adapters/fs/paths.test.ts
 * holds them equal to node:path.
 */

export const sep = "/";

/** What normalizing would change: a `//`, a `.` or `..` segment, a trailing `/`. */
const UNNORMAL = /\/\/|(^|\/)\.\.?(\/|$)|\/$/;

/** A listing's worth of joins of plain names skips the normalizing, which costs most of a join. */
export function join(...parts: string[]): string {
  const joined = parts.filter((p) => p !== "").join("/");
  if (joined === "") return ".";
  return UNNORMAL.test(joined) ? joinPosix(joined) : joined;
}

/** Without trailing slashes, except for the root. */
function trimmed(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

/** As node:path's: the part before the last separator run that follows a name. */
export function dirname(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  let end = -1;
  let inName = false;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] !== "/") inName = true;
    else if (inName) {
      end = i;
      break;
    }
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}

export function basename(path: string): string {
  const p = trimmed(path);
  return p === "/" ? "" : p.slice(p.lastIndexOf("/") + 1);
}

export function resolve(...parts: string[]): string {
  let path = "";
  for (let i = parts.length - 1; i >= 0 && !path.startsWith("/"); i--) {
    const part = parts[i] as string;
    if (part !== "") path = path === "" ? part : `${part}/${path}`;
  }
  if (!path.startsWith("/")) path = `${process.cwd()}/${path}`;
  return normalizePosix(path);
}

export function relative(from: string, to: string): string {
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let same = 0;
  while (same < a.length && same < b.length && a[same] === b[same]) same++;
  return [...a.slice(same).map(() => ".."), ...b.slice(same)].join("/");
}
