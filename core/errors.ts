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

/**
 * An error the user can act on: the message says what happened and what to do. Made by
 * `because` or `failedWhile`, it also keeps the two apart (`reason`, `hint`) and what the step
 * was doing (`context`), so an outer step can reword it without nesting (docs/architecture.md,
 * "Error messages").
 */
export class SwampError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  /** What happened, in plain words (the root cause's). */
  reason?: string;
  /** What to do. */
  hint?: string;
  /** What the failing step was doing, for the chain `-v` shows ("S3 GET _index/_meta.json on s3://b"). */
  context?: string;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "SwampError";
    this.code = code;
    if (details) this.details = details;
  }
}

export interface ErrorParts {
  context?: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** An error in two sentences: what happened, in plain words, then what to do. */
export function because(code: ErrorCode, reason: string, hint: string, parts: ErrorParts = {}): SwampError {
  const error = new SwampError(code, hint ? `${reason}. ${hint}` : `${reason}.`, parts.details);
  error.reason = reason;
  error.hint = hint;
  if (parts.context !== undefined) error.context = parts.context;
  if (parts.cause !== undefined) error.cause = parts.cause;
  return error;
}

/**
 * `cause` as the failure of a step doing `context`. The message stays the root cause's plain
 * words, followed by `hint` when this step knows better what to do, by the root's hint
 * otherwise; an error of ours without plain words keeps its message (it already says what to
 * do). The step's words go to the cause chain only.
 */
export function failedWhile(
  code: ErrorCode,
  context: string,
  cause: unknown,
  hint?: string,
  details?: Record<string, unknown>,
): SwampError {
  if (cause instanceof SwampError && cause.reason === undefined) {
    const error = new SwampError(code, cause.message, details);
    error.context = context;
    error.cause = cause;
    return error;
  }
  const root = cause instanceof SwampError ? cause : undefined;
  const reason = root?.reason ?? plainWords(cause);
  return because(code, reason, hint ?? root?.hint ?? "", { context, cause, details });
}

/** An error's own words, without a trailing period. */
function plainWords(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.+$/, "");
}

/**
 * The chain `-v` and `--json` show under an error, outermost first: what each step was doing,
 * then the first error's own words (the SDK's, the system's). Empty for an error with no cause.
 */
export function causeChain(error: unknown): string[] {
  if (!(error instanceof Error) || error.cause === undefined) return [];
  const lines: string[] = [];
  const top = error instanceof Error ? error.message : String(error);
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const line =
      current instanceof SwampError
        ? (current.context ?? (current === error ? undefined : current.message))
        : `${current.name === "Error" ? "" : `${current.name}: `}${current.message}`;
    if (line !== undefined && line !== top && lines.at(-1) !== line) lines.push(line);
    current = current.cause;
  }
  return lines;
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
