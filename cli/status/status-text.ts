import { describeLease, describeSync, describeTransfer } from "./lease-text.ts";
import { namespaceLines } from "./namespace-text.ts";
import type { StatusSnapshot } from "./status-snapshot.ts";

/** The plain-text status (no TTY, --once, or log mode). */
export function renderStatusText(s: StatusSnapshot, paint: (sgr: string, t: string) => string): string {
  const health = s.healthy
    ? `${paint("32", "● healthy")} (${s.latencyMs}ms)`
    : `${paint("31", "● unhealthy")}\n  Error:     ${s.message}`;
  const lines = [
    "Datastore Status",
    `  Type:      ${s.type}`,
    ...(s.path ? [`  Path:      ${s.path}`] : []),
    `  Health:    ${health}`,
    ...(s.remote
      ? [
          `  Store:     ${s.remote.store}`,
          `  Cache:     ${s.remote.cachePath}${s.remote.hydrationStrategy === "lazy" ? " (lazy: content fetched when read)" : ""}`,
          `  Sync:      ${describeSync(s.remote, Date.parse(s.checkedAt))}${s.remote.lastPushAt ? ` · last push ${s.remote.lastPushAt}` : ""}`,
        ]
      : []),
    ...(describeTransfer(s.remote) ? [`  Transfer:  ${describeTransfer(s.remote)}`] : []),
    `  Namespace: ${s.namespace || "(solo)"}`,
    `  Repo:      ${s.repoDir} (${s.repoId || "no repoId"})`,
    `  Dirs:      ${s.directories.join(", ")}`,
    ...(s.exclude?.length ? [`  Exclude:   ${s.exclude.join(", ")}`] : []),
    `  Lease:     ${describeLease(s.locks.global)}`,
  ];
  for (const m of s.locks.models) lines.push(`    model ${m.lockScope}: ${describeLease(m)}`);
  lines.push("  Namespaces in this datastore:", ...namespaceLines(s.namespaces));
  return lines.join("\n");
}
