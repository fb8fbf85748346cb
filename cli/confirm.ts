import { createInterface } from "node:readline/promises";
import { flushed } from "./flush.ts";
import type { Output } from "./output.ts";

/**
 * What a destructive command would remove, for its question and its preview: the first ten
 * names, then how many more (`a, b, c, … and 12 more`).
 */
export function listNames(names: readonly string[], shown = 10): string {
  if (names.length <= shown) return names.join(", ");
  return `${names.slice(0, shown).join(", ")} … and ${names.length - shown} more`;
}

/**
 * Destructive commands run when `--yes` is given. Otherwise they ask on a terminal, and never
 * ask in --json mode or without a TTY: there they only preview (the caller prints the preview).
 */
export async function confirmed(out: Output, yes: boolean | undefined, question: string): Promise<boolean> {
  if (yes === true) return true;
  if (!out.interactive) return false;
  await flushed();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
