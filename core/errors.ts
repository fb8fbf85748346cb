/** Stable machine-readable error codes, printed as `code` in `--json` error documents. */
export type ErrorCode =
  | "not_found"
  | "validation_failed"
  | "usage"
  | "lock_timeout"
  | "lock_lost"
  | "interrupted"
  | "config_invalid"
  | "ownership_conflict"
  | "path_traversal"
  | "query_failed"
  | "sync_not_supported"
  | "sync_failed"
  | "index_regressed"
  | "unmigrated_data"
  | "store_unavailable"
  | "internal";

export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  lockTimeout: 75,
  /** SIGINT (Ctrl-C): 128 + 2. */
  interrupted: 130,
  /** SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

/** An error the user can act on: the message says what happened and what to do. */
export class SwampError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "SwampError";
    this.code = code;
    if (details) this.details = details;
  }
}

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "usage":
      return ExitCode.usage;
    case "lock_timeout":
      return ExitCode.lockTimeout;
    case "interrupted":
      return ExitCode.interrupted;
    default:
      return ExitCode.error;
  }
}

export const notFound = (entity: string, id: string, hint?: string) =>
  new SwampError("not_found", `${entity} not found: ${id}${hint ? `. ${hint}` : ""}`);

export const invalid = (message: string, details?: Record<string, unknown>) =>
  new SwampError("validation_failed", message, details);
