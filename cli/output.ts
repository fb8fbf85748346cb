import { causeChain, type ErrorCode, SwampError } from "../core/errors.ts";
import { isTerminal, write } from "./flush.ts";
import { StoreTraffic } from "./store-traffic.ts";

export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  repoDir?: string;
}

/**
 * Where every command's words go (docs/architecture.md, "Command line"). Results go to stdout
 * (one JSON document with --json); progress, warnings and errors go to stderr so stdout stays
 * parseable. `-q` keeps results, warnings and errors; `-v` adds steps, the store requests they
 * made and a total; `SWAMP_LOG=debug` traces each store request.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** Every store request of this command: counted, and traced with `SWAMP_LOG=debug`. */
  readonly traffic: StoreTraffic;
  readonly #colorAllowed: boolean;
  #color?: boolean;
  #interactive?: boolean;

  constructor(opts: GlobalOptions, env: Record<string, string | undefined> = process.env) {
    this.json = opts.json === true;
    this.quiet = opts.quiet === true;
    this.verbose = opts.verbose === true && !this.quiet;
    this.traffic = new StoreTraffic(
      env.SWAMP_LOG === "debug" ? (line) => write("stderr", `debug: ${line}\n`) : undefined,
    );
    this.#colorAllowed = opts.color !== false && !env.NO_COLOR && !this.json;
  }

  /** A person at a terminal who can answer a question (stdin and stdout are terminals, no --json). */
  get interactive(): boolean {
    this.#interactive ??= !this.json && isTerminal(1) && isTerminal(0);
    return this.#interactive;
  }

  /** ANSI colour on stderr: allowed by the options and stderr is a terminal. */
  get color(): boolean {
    this.#color ??= this.#colorAllowed && isTerminal(2);
    return this.#color;
  }

  /** The command's result: JSON document in json mode, the rendered text otherwise. */
  result(doc: unknown, text: () => string): void {
    if (this.json) {
      write("stdout", `${toJson(doc)}\n`);
      return;
    }
    const rendered = text();
    if (rendered !== "") write("stdout", rendered.endsWith("\n") ? rendered : `${rendered}\n`);
  }

  /** Progress and notices for humans; silent with --quiet and in json mode. */
  info(message: string): void {
    if (!this.quiet && !this.json) write("stderr", `${message}\n`);
  }

  /** A step of the work, with what it cost; only with -v. */
  debug(message: string): void {
    if (this.verbose && !this.json) write("stderr", `${this.paint("2", message)}\n`);
  }

  /** The store requests of the whole command and its elapsed time, last; only with -v. */
  total(): void {
    const traffic = this.traffic.total();
    const elapsed = `${Math.round(this.traffic.now())} ms elapsed`;
    this.debug(`Total: ${traffic ? `${traffic}, ` : ""}${elapsed}.`);
  }

  /** Something the user must know even with -q (work left undone, an answer from a stale cache). */
  warn(message: string): void {
    if (this.json) write("stderr", `${JSON.stringify({ warning: message })}\n`);
    else write("stderr", `${this.paint("33", `Warning: ${message}`)}\n`);
  }

  /**
   * The error in its own two sentences (what happened, what to do); what led to it (the cause
   * chain) only with -v, and as `causes` in json mode.
   */
  error(err: unknown): void {
    const known = err instanceof SwampError;
    const message = err instanceof Error ? err.message : String(err);
    const code: ErrorCode = known ? err.code : "internal";
    const causes = causeChain(err);
    if (this.json) {
      const doc: Record<string, unknown> = { error: message, code };
      if (known && err.details) Object.assign(doc, { details: err.details });
      if (causes.length > 0) doc.causes = causes;
      if (!known && err instanceof Error && err.stack) doc.stack = err.stack;
      write("stderr", `${JSON.stringify(doc, jsonReplacer, 2)}\n`);
      return;
    }
    write("stderr", `${this.paint("31", "Error:")} ${message}\n`);
    if (this.verbose && causes.length > 0)
      write("stderr", `Caused by:\n${causes.map((line) => `  ${line}\n`).join("")}`);
    if (!known && err instanceof Error && err.stack && this.verbose) write("stderr", `${err.stack}\n`);
  }

  /** ANSI colour when allowed (`NO_COLOR`, `--no-color`, no TTY and --json turn it off). */
  paint(sgr: string, text: string): string {
    return this.color ? `\x1b[${sgr}m${text}\x1b[0m` : text;
  }
}

/** Plain JSON first (a replacer costs seconds on 100k results); BigInt, e.g. from CEL, falls back to it. */
function toJson(doc: unknown): string {
  try {
    return JSON.stringify(doc, null, 2);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(doc, jsonReplacer, 2);
  }
}

/** BigInt from CEL must not break JSON output. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  return value;
}
