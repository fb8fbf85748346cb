import { ExitCode } from "../core/errors.ts";

/**
 * The process's output (docs/architecture.md, "Command line"). Words go out through Bun's own
 * file handles: `process.stdout` and `process.stderr` are Node streams that cost milliseconds to
 * create, more than a quick command's whole work, so only Ink and readline touch them.
 */
export type Sink = "stdout" | "stderr";

/** The writes of each sink, one after the other, so that they arrive in order. */
const queues: Record<Sink, Promise<void>> = { stdout: Promise.resolve(), stderr: Promise.resolve() };

export function write(sink: Sink, text: string | Uint8Array): void {
  if (text.length === 0) return;
  const file = sink === "stdout" ? Bun.stdout : Bun.stderr;
  queues[sink] = queues[sink].then(() => Bun.write(file, text)).then(() => {}, closedReader);
}

/** A reader that stops early (`swamp --help | head`) closes the pipe: stop quietly, like git. */
function closedReader(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? ExitCode.ok);
}

/** Resolves once what was written so far has left the process (before a prompt, or Ink, writes). */
export function flushed(): Promise<void> {
  return Promise.all([queues.stdout, queues.stderr]).then(() => {});
}

/**
 * Exits once what was written has left the process (or after `withinMs`, when given): Bun drops
 * what is still queued on a pipe when the process exits.
 */
export async function exitFlushed(code: number, withinMs?: number): Promise<never> {
  if (withinMs === undefined) await flushed();
  else await Promise.race([flushed(), new Promise<void>((resolve) => setTimeout(resolve, withinMs).unref())]);
  process.exit(code);
}

/** Whether `fd` is a terminal, without creating the Node stream around it. */
export function isTerminal(fd: 0 | 1 | 2): boolean {
  const { isatty } = require("node:tty") as typeof import("node:tty");
  return isatty(fd);
}
