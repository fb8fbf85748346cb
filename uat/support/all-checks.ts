/**
 * Runs every check, even after one fails, and fails once with every failure: a test that checks
 * an exit code, a message and what was kept shows all that went wrong, not the first only.
 */
export async function expectAll(what: string, checks: (() => unknown)[]): Promise<void> {
  const failures: string[] = [];
  for (const check of checks) {
    try {
      await check();
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (failures.length > 0)
    throw new Error(`${what}: ${failures.length} check(s) failed:\n\n${failures.join("\n\n")}`);
}
