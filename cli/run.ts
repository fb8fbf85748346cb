import type { Command } from "commander";
import { releaseAllLeases, takeLeftBehind, unsettledLeases } from "../adapters/lease-lock/held-leases.ts";
import { leftBehindMessage } from "../adapters/lease-lock/lock-errors.ts";
import { ExitCode, exitCodeFor, SwampError } from "../core/errors.ts";
import { exitFlushed } from "./flush.ts";
import { type GlobalOptions, Output } from "./output.ts";

export interface Invocation<O = Record<string, unknown>> {
  args: string[];
  opts: O;
  globals: GlobalOptions;
  out: Output;
  /** Aborts on Ctrl-C; commands pass it down to every wait and transfer. */
  signal: AbortSignal;
}

export interface CommandModule {
  run(inv: Invocation<never>): Promise<void>;
}

type StopSignal = "SIGINT" | "SIGTERM";

/**
 * A commander action that loads the command's module only when it runs, so that
 * `swamp --version` and light commands never pay for heavy imports. Every way out ends the
 * same: leases the command could not free are named, what was written is flushed, and the
 * process exits, so no request left in flight keeps it alive (docs/architecture.md, "Leaving").
 */
export function lazyAction(load: () => Promise<CommandModule>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const opts = (received[received.length - 2] ?? {}) as Record<string, unknown>;
    const args = received
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [String(a)]));
    await runCommand(load, { args, opts, globals: command.optsWithGlobals<GlobalOptions>() });
  };
}

/** What a command line gives a command: its arguments, its options, the global options. */
export interface ParsedLine {
  args: string[];
  opts: Record<string, unknown>;
  globals: GlobalOptions;
}

/** Runs the command `load` gives with what its command line said, then exits (see lazyAction). */
export async function runCommand(
  load: () => Promise<CommandModule>,
  { args, opts, globals }: ParsedLine,
): Promise<never> {
  const out = new Output(globals);
  const interrupt = new AbortController();
  let stopping: Promise<never> | undefined;
  const on = (signal: StopSignal) => () => {
    stopping = stop(out, interrupt, signal);
  };
  const onSigint = on("SIGINT");
  const onSigterm = on("SIGTERM");
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  let failure: { error: unknown } | undefined;
  try {
    const mod = await load();
    await mod.run({ args, opts: opts as never, globals, out, signal: interrupt.signal });
  } catch (error) {
    failure = { error };
  }
  // An interrupted command exits when its leases are released, not before.
  if (stopping) await stopping;
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigterm);
  for (const message of takeLeftBehind()) out.warn(message);
  out.total();
  if (failure) {
    // The error comes last: it is the document a script reads, and the line a person sees.
    out.error(failure.error);
    process.exitCode = failure.error instanceof SwampError ? exitCodeFor(failure.error.code) : ExitCode.error;
  }
  return exitFlushed(Number(process.exitCode ?? ExitCode.ok));
}

/** How long an interrupted command may take to release its leases (each release gives up sooner). */
const STOP_WITHIN_MS = 5000;
/** How long the last words of an interrupted command may take to leave the process. */
const FLUSH_WITHIN_MS = 1000;

let stopped: Promise<never> | undefined;

/**
 * Ctrl-C or SIGTERM: stop the work, release every lease this process holds or is taking, and
 * exit 130 (SIGINT) or 143 (SIGTERM) within STOP_WITHIN_MS, naming any lease that may stay.
 * A second signal exits at once.
 */
function stop(out: Output, interrupt: AbortController, signal: StopSignal): Promise<never> {
  const code = signal === "SIGTERM" ? ExitCode.terminated : ExitCode.interrupted;
  if (stopped) process.exit(code);
  interrupt.abort(new SwampError("interrupted", `Interrupted by ${signal}.`));
  let finishing: Promise<never> | undefined;
  const finish = (released: boolean): Promise<never> => {
    finishing ??= (async () => {
      const cut = released
        ? []
        : unsettledLeases().map((where) =>
            leftBehindMessage(where, "the command had to stop before the store answered"),
          );
      const left = [...takeLeftBehind(), ...cut];
      for (const message of left) out.warn(message);
      out.error(
        new SwampError(
          "interrupted",
          left.length === 0
            ? `Interrupted by ${signal}: every lease this command held was released and nothing was committed after the interrupt; run the command again to finish it.`
            : `Interrupted by ${signal}: ${left.length} lease(s) may still be held (see above) and nothing was committed after the interrupt; free them as said above, then run the command again.`,
        ),
      );
      return exitFlushed(code, FLUSH_WITHIN_MS);
    })();
    return finishing;
  };
  setTimeout(() => finish(false), STOP_WITHIN_MS).unref();
  stopped = releaseAllLeases().then(
    () => finish(true),
    () => finish(true),
  );
  return stopped;
}

export function usageError(message: string): SwampError {
  return new SwampError("usage", message);
}
