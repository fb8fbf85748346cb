import { FsFileTree } from "../../adapters/fs/fs-file-tree.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { Host } from "../../core/ports/host.ts";
import type { MigrationDir, MigrationProblem } from "../../core/use-cases/migrate.ts";

export const RETRY_HINT = "Re-run the same command to retry. Local data is preserved and the retry is safe.";

/** One subdirectory to move, between two folders on this disk (docs/architecture.md, "Migration"). */
export function migrationDir(
  sub: string,
  from: string,
  to: string,
  deps: { clock: Clock; host: Host },
): MigrationDir {
  return { sub, source: new FsFileTree(from, deps), destination: new FsFileTree(to, deps) };
}

/**
 * A problem of the move as the setup commands print it; `where` names the destination (`at
 * {folder}`, `in the bucket's cache`).
 */
export function problemText(problem: MigrationProblem, where: string): string {
  if (problem.kind === "conflict")
    return `${problem.sub}/${problem.path} already exists ${where} with different content; move it away and re-run.`;
  return `${problem.sub}: ${problem.files} file(s) at the source but ${problem.landed} ${where}.`;
}
