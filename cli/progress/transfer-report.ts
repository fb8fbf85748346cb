import type { Clock } from "../../core/ports/clock.ts";
import type { SyncProgress } from "../../core/ports/sync-service.ts";
import { isTerminal, write } from "../flush.ts";
import { formatElapsed, type ProgressView, progressBarLine, progressLogLine } from "./format.ts";

/** Where progress goes: stderr, whether it is a terminal, its width, and the time. */
export interface ProgressTerminal {
  tty: boolean;
  columns: number;
  write(text: string): void;
  now(): number;
}

/**
 * `bar`: redrawn in place on a terminal; `lines`: a start and an end line; `log` (`-v` without a
 * terminal): those and a line per phase and every few seconds; `off`: `--json` and `-q`.
 */
export type ProgressMode = "bar" | "lines" | "log" | "off";

export function progressMode(
  out: { json: boolean; quiet: boolean; verbose: boolean },
  tty: boolean,
): ProgressMode {
  if (out.json || out.quiet) return "off";
  if (tty) return "bar";
  return out.verbose ? "log" : "lines";
}

const REDRAW_EVERY_MS = 100;
const LOG_EVERY_MS = 5000;
/** Move to the line's start and clear it. */
const CLEAR = "\r\x1b[K";

interface Run {
  done: number;
  total: number;
  bytes: number;
  startedAt: number;
}

/**
 * The progress of one long command (a sync, a setup move, a hydration) on stderr
 * (docs/architecture.md, "Progress and waiting"): its start line, the engine's progress, and a
 * one-line summary with the elapsed time.
 */
export class TransferReport {
  readonly #started: number;
  readonly #runs = new Map<SyncProgress["phase"], Run>();
  readonly #bytes = new Map<SyncProgress["phase"], number>();
  #drawn = false;
  #lastDraw = Number.NEGATIVE_INFINITY;
  #lastLog = Number.NEGATIVE_INFINITY;

  constructor(
    readonly mode: ProgressMode,
    private readonly terminal: ProgressTerminal,
  ) {
    this.#started = terminal.now();
  }

  /** The first line: what the command is doing. */
  start(message: string): void {
    if (this.mode !== "off") this.terminal.write(`${message}\n`);
  }

  readonly onProgress = (p: SyncProgress): void => {
    const now = this.terminal.now();
    const last = this.#runs.get(p.phase);
    const fresh = last === undefined || p.total !== last.total || p.done < last.done;
    const bytes = p.bytes ?? 0;
    this.#bytes.set(p.phase, (this.#bytes.get(p.phase) ?? 0) + bytes - (fresh ? 0 : last.bytes));
    const run = { done: p.done, total: p.total, bytes, startedAt: fresh ? now : last.startedAt };
    this.#runs.set(p.phase, run);
    if (p.total === 0) return;
    const view: ProgressView = { ...p, elapsedMs: now - run.startedAt };
    if (this.mode === "bar") {
      // A finished phase takes its bar away, so a warning printed next starts on a clean line.
      if (p.done === p.total) this.clear();
      else if (now - this.#lastDraw >= REDRAW_EVERY_MS || fresh) {
        this.#lastDraw = now;
        this.#drawn = true;
        this.terminal.write(`${CLEAR}${progressBarLine(view, this.terminal.columns)}`);
      }
    } else if (this.mode === "log" && (fresh || now - this.#lastLog >= LOG_EVERY_MS)) {
      this.#lastLog = now;
      this.terminal.write(`${progressLogLine(view)}\n`);
    }
  };

  /** Bytes moved in a phase, over all its runs. */
  bytes(phase: SyncProgress["phase"]): number {
    return this.#bytes.get(phase) ?? 0;
  }

  /** Takes the bar off the terminal (before an error is printed, or the summary). */
  clear(): void {
    if (!this.#drawn) return;
    this.#drawn = false;
    this.terminal.write(CLEAR);
  }

  /** The last line: `Pulled 2,000 files (2.0 MB) in 4.1 s.` */
  finish(summary: string): void {
    this.clear();
    if (this.mode === "off") return;
    this.terminal.write(`${summary} in ${formatElapsed(this.terminal.now() - this.#started)}.\n`);
  }
}

/** A command's report on stderr as it is (a terminal or not), by its global options. */
export function stderrReport(
  out: { json: boolean; quiet: boolean; verbose: boolean },
  clock: Pick<Clock, "now">,
): TransferReport {
  const tty = isTerminal(2);
  const terminal: ProgressTerminal = {
    tty,
    columns: (tty && process.stderr.columns) || 80,
    write: (text) => write("stderr", text),
    now: () => clock.now(),
  };
  return new TransferReport(progressMode(out, terminal.tty), terminal);
}
