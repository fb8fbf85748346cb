/**
 * The last write to each output stream. Bun drops what is still queued on a pipe when the process
 * exits, so a command waits for its last writes before it exits.
 */
const lastWrites = new Map<NodeJS.WriteStream, Promise<void>>();

export function write(stream: NodeJS.WriteStream, text: string | Uint8Array): void {
  if (text.length === 0) return;
  lastWrites.set(stream, new Promise((resolve) => stream.write(text, () => resolve())));
}

/** Exits once what was written has left the process (or after `withinMs`, when given). */
export async function exitFlushed(code: number, withinMs?: number): Promise<never> {
  const written = Promise.all(lastWrites.values());
  if (withinMs === undefined) await written;
  else await Promise.race([written, new Promise<void>((resolve) => setTimeout(resolve, withinMs).unref())]);
  process.exit(code);
}
