import type { TimeBudget } from "./deadline.ts";
import { SwampError } from "./errors.ts";

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
export const LOCK_TIMEOUT_VARIABLE = "SWAMP_LOCK_TIMEOUT_MS";
export const DEFAULT_SYNC_TIMEOUT_MS = 300_000;
export const MAX_SYNC_TIMEOUT_FLAG_SECONDS = 21_600;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_PULL_CONCURRENCY = 50;
export const DEFAULT_PUSH_CONCURRENCY = 25;

/**
 * Lock acquire timeout: `SWAMP_LOCK_TIMEOUT_MS` (positive integer; anything else is ignored, as
 * in the reference) > `.swamp.yaml` `datastore.lockTimeoutMs` > 60 s. The env var wins so one
 * invocation (e.g. a CI job) can wait longer than the repo's setting.
 */
export function lockTimeoutMs(env: Env, config: { lockTimeoutMs?: number } = {}): number {
  return positiveInt(env[LOCK_TIMEOUT_VARIABLE]) ?? config.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
}

/** A lease's release: short, so that no way out of a command waits long on an unreachable store. */
export const LEASE_RELEASE_BUDGET: TimeBudget = {
  ms: 3000,
  what: "the lease release",
  raise: "nothing (a release never waits longer; the lease expires after its ttl)",
  code: "store_unavailable",
};

/** The lease wait: its requests, retries and pauses. The env var wins over the config, so it always raises it. */
export function leaseWaitBudget(ms: number): TimeBudget {
  return { ms, what: "the lease wait", raise: LOCK_TIMEOUT_VARIABLE, code: "lock_timeout" };
}

export const SYNC_TIMEOUT_VARIABLE = "SWAMP_DATASTORE_SYNC_TIMEOUT_MS";
export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;
/** The live `ds status` view checks the store on every refresh: a store that is down shows so within this. */
export const LIVE_STATUS_TIMEOUT_MS = 3_000;

/**
 * The sync deadline (docs/architecture.md, "Deadlines"), which bounds a command's pull and push together:
 * `--timeout <sec>` (validated, at most 6 h) > `datastore.syncTimeoutMs` >
 * `SWAMP_DATASTORE_SYNC_TIMEOUT_MS` (uncapped; bad values ignored) > 5 min. Says which of
 * them set it, since raising a lower one changes nothing.
 */
export function syncDeadline(
  flag: string | number | undefined,
  config: { syncTimeoutMs?: number } = {},
  env: Env = {},
): TimeBudget {
  const budget = (ms: number, raise: string): TimeBudget => ({
    ms,
    what: "the sync deadline",
    raise,
    code: "sync_failed",
  });
  if (flag !== undefined) return budget(parseTimeoutFlag(flag) * 1000, "--timeout <seconds>");
  if (config.syncTimeoutMs !== undefined)
    return budget(config.syncTimeoutMs, "datastore.syncTimeoutMs in .swamp.yaml");
  const fromEnv = positiveInt(env[SYNC_TIMEOUT_VARIABLE]);
  if (fromEnv !== undefined) return budget(fromEnv, SYNC_TIMEOUT_VARIABLE);
  return budget(
    DEFAULT_SYNC_TIMEOUT_MS,
    `${SYNC_TIMEOUT_VARIABLE} (or --timeout <seconds> where a command has it)`,
  );
}

/**
 * The short deadline of a command that only looks (`ds status`, `lock status`, `lock release`):
 * `--timeout <sec>` > `defaultMs` (10 s; the live status view's refreshes: 3 s).
 */
export function lookDeadline(
  flag: string | number | undefined,
  command: string,
  defaultMs = DEFAULT_STATUS_TIMEOUT_MS,
): TimeBudget {
  return {
    ms: flag === undefined ? defaultMs : parseTimeoutFlag(flag, "") * 1000,
    what: `the ${command.replace(/^swamp datastore /, "")} deadline`,
    raise: `'${command} --timeout <seconds>'`,
    code: "store_unavailable",
  };
}

/**
 * Validates a `--timeout` value in seconds; throws SwampError("usage", exit 2) with the
 * messages of docs/architecture.md, "Command line". `beyond` says what to do for more than the 6 h
 * a flag allows.
 */
export function parseTimeoutFlag(
  flag: string | number,
  beyond = ` For higher values, set the ${SYNC_TIMEOUT_VARIABLE} env var instead.`,
): number {
  const text = String(flag).trim();
  if (!/^[-+]?\d+$/.test(text)) {
    throw new SwampError(
      "usage",
      `--timeout must be a positive integer (seconds); got ${flag}. Example: --timeout 600.`,
    );
  }
  const seconds = Number(text);
  if (seconds <= 0) {
    throw new SwampError("usage", `--timeout must be greater than 0; got ${flag}.`);
  }
  if (seconds > MAX_SYNC_TIMEOUT_FLAG_SECONDS) {
    throw new SwampError(
      "usage",
      `--timeout must be at most ${MAX_SYNC_TIMEOUT_FLAG_SECONDS} seconds (6 hours); got ${flag}.${beyond}`,
    );
  }
  return seconds;
}

/**
 * Per-request timeout of a remote store: its backend's variable (`SWAMP_S3_REQUEST_TIMEOUT_MS`,
 * `SWAMP_GCS_REQUEST_TIMEOUT_MS`; bad values ignored) > config > 30 s.
 */
export function requestTimeoutMs(
  env: Env,
  variable: string,
  config: { requestTimeoutMs?: number } = {},
): number {
  return positiveInt(env[variable]) ?? config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
}

export function pullConcurrency(config: { pullConcurrency?: number } = {}): number {
  return config.pullConcurrency ?? DEFAULT_PULL_CONCURRENCY;
}

export function pushConcurrency(config: { pushConcurrency?: number } = {}): number {
  return config.pushConcurrency ?? DEFAULT_PUSH_CONCURRENCY;
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * An index partition with more entries than this is split into hash buckets, each its own shard,
 * so a put rewrites one bucket, not the whole model (docs/architecture.md, "Split partitions").
 */
export const INDEX_SPLIT_ENTRIES = 128;
export const INDEX_SPLIT_VARIABLE = "SWAMP_INDEX_SPLIT_ENTRIES";

/** `SWAMP_INDEX_SPLIT_ENTRIES` (a positive integer; tests set it small to split every partition) > 128. */
export function indexSplitEntries(env: Env): number {
  return positiveInt(env[INDEX_SPLIT_VARIABLE]) ?? INDEX_SPLIT_ENTRIES;
}
/** A catalog export part holds at most about this many rows; a bigger model's part is split by name. */
export const EXPORT_PART_ROWS = 500;
