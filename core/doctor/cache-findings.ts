import { parseDataPath } from "../data-path.ts";
import type { CacheInspection } from "../ports/sync-service.ts";
import { dirtyMatcher } from "../sync/sync-plan.ts";
import { parseVersionFile } from "../sync/version-files.ts";
import type { Finding } from "./finding.ts";
import { PULL_COMMAND, PUSH_COMMAND, REPAIR_COMMAND } from "./fix-commands.ts";

/** Pending versions named in one message; the rest are counted. */
const NAMED_VERSIONS = 5;

/**
 * The cache against the record of its last sync (docs/architecture.md, "Doctor"). Changes not
 * pushed yet and pending versions are information. Drift is a problem: a file that differs from
 * what was synced without being marked as changed (no push sends it, no pull replaces it), or one
 * the index lists that is gone without being a pending deletion (a push walking the cache would
 * delete it from the store). Version files that differ are pending, never drift.
 */
export function cacheFindings(cache: CacheInspection): Finding[] {
  const findings = [...pendingChanges(cache)];
  const { synced } = cache;
  if (synced === null) {
    findings.push({
      code: "cache_unsynced",
      subject: "cache",
      problem: false,
      message:
        "this cache has no record of a sync with the store (never synced, or the record was lost): drift cannot be judged; the next pull compares every file.",
      fix: PULL_COMMAND,
    });
    return findings;
  }
  findings.push(...pendingVersions(cache.files, synced));
  // Under a bulk change anything may be a local change: drift cannot be told from it.
  if (cache.pending.bulk) return findings;
  const isPending = dirtyMatcher(cache.pending.paths);
  const isShielded = dirtyMatcher(cache.shielded);
  for (const [rel, sha256] of [...synced].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (isPending(rel) || isShielded(rel)) continue;
    const local = cache.files.get(rel);
    if (local === undefined) {
      findings.push({
        code: "cache_missing",
        subject: rel,
        problem: true,
        message:
          "the index lists this file but it is missing from the cache and not a pending deletion: reads miss it, and a push that walks the cache would delete it from the store.",
        fix: REPAIR_COMMAND,
        repair: { kind: "repull_file", rel },
      });
    } else if (local !== sha256 && parseVersionFile(rel) === null) {
      findings.push({
        code: "cache_drift",
        subject: rel,
        problem: true,
        message:
          "this file differs from what the cache was last synced to and is not marked as changed: no push sends it and no pull replaces it.",
        fix: REPAIR_COMMAND,
        repair: { kind: "repull_file", rel },
      });
    }
  }
  return findings;
}

function pendingChanges(cache: CacheInspection): Finding[] {
  const { paths, bulk } = cache.pending;
  if (!bulk && paths.length === 0) return [];
  return [
    {
      code: "cache_pending",
      subject: "cache",
      problem: false,
      message: bulk
        ? "changes anywhere in the cache are pending (a bulk change): the next push walks it all; until then drift cannot be told from them."
        : `${paths.length} local change(s) are not pushed yet.`,
      fix: PUSH_COMMAND,
    },
  ];
}

/** Version directories holding a file the last sync did not record with these bytes. */
function pendingVersions(files: ReadonlyMap<string, string>, synced: ReadonlyMap<string, string>): Finding[] {
  const found = new Map<string, string>();
  for (const [rel, sha256] of files) {
    const file = parseVersionFile(rel);
    if (file === null || synced.get(rel) === sha256) continue;
    const ref = parseDataPath(rel);
    found.set(`${file.nameRel}/${file.version}`, `${ref?.type}/${ref?.id}/${ref?.name} v${file.version}`);
  }
  if (found.size === 0) return [];
  const versions = [...found.keys()].sort().map((key) => found.get(key) as string);
  const named = versions.slice(0, NAMED_VERSIONS).join(", ");
  const more = versions.length > NAMED_VERSIONS ? ` and ${versions.length - NAMED_VERSIONS} more` : "";
  return [
    {
      code: "cache_pending_versions",
      subject: `${versions.length} version(s)`,
      problem: false,
      message: `${versions.length} version(s) written here are not in the index yet (${named}${more}): a push sends them, renumbered if another clone took their number.`,
      fix: PUSH_COMMAND,
    },
  ];
}
