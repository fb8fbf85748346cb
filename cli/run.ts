import type { Command } from "commander";
import { ExitCode, exitCodeFor, SwampError } from "../core/errors.ts";
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

/**
 * A commander action that loads the command's module only when it runs, so that
 * `swamp --version` and light commands never pay for heavy imports.
 */
export function lazyAction(load: () => Promise<CommandModule>) {
  return async (...received: unknown[]): Promise<void> => {
    const command = received[received.length - 1] as Command;
    const opts = (received[received.length - 2] ?? {}) as Record<string, unknown>;
    const args = received
      .slice(0, -2)
      .flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [String(a)]));
    const globals = command.optsWithGlobals<GlobalOptions>();
    const out = new Output(globals);
    const interrupt = new AbortController();
    const onSigint = () => handleInterrupt(out, interrupt);
    process.on("SIGINT", onSigint);
    process.on("SIGTERM", onSigint);
    try {
      const mod = await load();
      await mod.run({ args, opts: opts as never, globals, out, signal: interrupt.signal });
    } catch (err) {
      if (interrupt.signal.aborted) return;
      out.error(err);
      process.exitCode = err instanceof SwampError ? exitCodeFor(err.code) : ExitCode.error;
    } finally {
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigint);
    }
  };
}

let interrupting = false;

/** Ctrl-C: stop the work, release every lease this process holds, exit 130 within 5 s. */
function handleInterrupt(out: Output, interrupt: AbortController): void {
  if (interrupting) process.exit(ExitCode.interrupted);
  interrupting = true;
  interrupt.abort(new SwampError("interrupted", "Interrupted."));
  const hardStop = setTimeout(() => process.exit(ExitCode.interrupted), 5000);
  hardStop.unref?.();
  import("../adapters/lease-lock/held-leases.ts")
    .then((m) => m.releaseAllLeases())
    .catch(() => undefined)
    .finally(() => {
      out.error(
        new SwampError(
          "interrupted",
          "Interrupted: released held leases; nothing was committed after the interrupt.",
        ),
      );
      process.exit(ExitCode.interrupted);
    });
}

export function usageError(message: string): SwampError {
  return new SwampError("usage", message);
}
