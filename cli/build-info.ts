// What `bun build.ts` stamps into the binary (--define); a run from source says "dev"/"unknown".
declare const SWAMP_VERSION: string | undefined;
declare const SWAMP_COMMIT: string | undefined;
declare const SWAMP_BUILD_DATE: string | undefined;

export interface BuildInfo {
  version: string;
  commit: string;
  builtAt: string;
  platform: string;
}

export function buildInfo(): BuildInfo {
  return {
    version: typeof SWAMP_VERSION === "string" ? SWAMP_VERSION : "0.0.0-dev",
    commit: typeof SWAMP_COMMIT === "string" ? SWAMP_COMMIT : "unknown",
    builtAt: typeof SWAMP_BUILD_DATE === "string" ? SWAMP_BUILD_DATE : "unknown",
    platform: `${process.platform}-${process.arch}`,
  };
}
