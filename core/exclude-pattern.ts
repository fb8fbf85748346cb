/**
 * Gitignore-style exclude patterns (docs/architecture.md, "Datastore tree"), matched against whole
 * datastore-relative paths. `*` any run of non-`/`; `**` followed by `/` zero or more directories;
 * any other `**` anything; `?` one non-`/` char; `[...]` a class (`[!...]` negated); `!`
 * re-includes; the last matching pattern wins; blank and `#` lines are ignored.
 */

interface CompiledPattern {
  regex: RegExp;
  negated: boolean;
}

export interface ExcludeMatcher {
  /** The patterns that took part (comments and blanks dropped). */
  readonly patterns: readonly string[];
  isExcluded(path: string): boolean;
}

export function compileExcludePatterns(patterns: readonly string[]): ExcludeMatcher {
  const kept: string[] = [];
  const compiled: CompiledPattern[] = [];
  for (const raw of patterns) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    const body = stripLeadingSlashes(negated ? line.slice(1) : line);
    if (body === "") continue;
    kept.push(line);
    compiled.push({ regex: patternToRegExp(body), negated });
  }
  return {
    patterns: kept,
    isExcluded(path: string): boolean {
      const normalized = stripLeadingSlashes(path.replaceAll("\\", "/"));
      let excluded = false;
      for (const { regex, negated } of compiled) {
        if (regex.test(normalized)) excluded = !negated;
      }
      return excluded;
    },
  };
}

function stripLeadingSlashes(s: string): string {
  return s.replace(/^\/+/, "");
}

const REGEX_METACHARS = /[.+^${}()|[\]\\*?]/;

/** Translates one pattern (without `!`) into an anchored RegExp. */
export function patternToRegExp(pattern: string): RegExp {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        if (pattern[i + 2] === "/") {
          out += "(?:.*/)?";
          i += 3;
        } else {
          out += ".*";
          i += 2;
        }
        continue;
      }
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const cls = readClass(pattern, i);
      if (cls) {
        out += cls.regex;
        i = cls.end;
        continue;
      }
      out += "\\[";
    } else {
      out += REGEX_METACHARS.test(c) ? `\\${c}` : c;
    }
    i += 1;
  }
  return new RegExp(`^${out}$`);
}

/** Reads a `[...]` class starting at `start`; null when it is not closed (then `[` is literal). */
function readClass(pattern: string, start: number): { regex: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (pattern[i] === "!" || pattern[i] === "^") {
    negate = true;
    i += 1;
  }
  let body = "";
  // A `]` right after the opening bracket is a literal member, as in gitignore.
  if (pattern[i] === "]") {
    body += "\\]";
    i += 1;
  }
  while (i < pattern.length && pattern[i] !== "]") {
    const c = pattern[i] as string;
    body += c === "\\" || c === "[" ? `\\${c}` : c;
    i += 1;
  }
  if (i >= pattern.length || body === "") return null;
  // A negated class must not match `/`: wildcards never cross directory boundaries.
  return { regex: negate ? `[^/${body}]` : `[${body}]`, end: i + 1 };
}
