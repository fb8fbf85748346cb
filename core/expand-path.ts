import { SwampError } from "./errors.ts";
import { isAbsolutePosix, joinPosix } from "./posix-path.ts";

export interface ExpandPathContext {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Relative results are resolved against this dir (the repo dir). */
  baseDir: string;
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Expands a leading `~`, then `$VAR` and `${VAR}`, and resolves a relative result against
 * `baseDir`. An unset variable throws SwampError("validation_failed"): silently expanding it
 * to "" would point the datastore somewhere unintended.
 */
export function expandPath(raw: string, context: ExpandPathContext): string {
  let path = raw;
  if (path === "~" || path.startsWith("~/")) path = context.homeDir + path.slice(1);
  path = path.replace(VARIABLE, (_match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = context.env[name];
    if (value === undefined) {
      throw new SwampError(
        "validation_failed",
        `Environment variable ${name} is not set (used in path "${raw}"). Set ${name}, or write the path out in full.`,
        { variable: name, path: raw },
      );
    }
    return value;
  });
  return isAbsolutePosix(path) ? joinPosix(path) : joinPosix(context.baseDir, path);
}
