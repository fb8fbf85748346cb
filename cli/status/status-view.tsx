import { Box, render, Text, useApp, useInput } from "ink";
import { useEffect, useState } from "react";
import { formatDuration } from "../../core/duration-text.ts";
import { describeLease, describeSync, describeTransfer } from "./lease-text.ts";
import type { StatusSnapshot } from "./status-snapshot.ts";

interface Props {
  load: () => Promise<StatusSnapshot>;
  intervalMs: number;
}

const pad = (s: string, n: number) => (s.length >= n ? `${s.slice(0, n - 1)}… ` : s.padEnd(n));

function StatusView({ load, intervalMs }: Props) {
  const { exit } = useApp();
  const [snap, setSnap] = useState<StatusSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState(0);

  useInput((input, key) => {
    if (input === "q" || key.escape || (key.ctrl && input === "c")) exit();
    if (input === "r") setTick((t) => t + 1);
    if (key.upArrow) setSelected((i) => Math.max(0, i - 1));
    if (key.downArrow) setSelected((i) => i + 1);
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the refresh trigger (timer or `r`).
  useEffect(() => {
    let alive = true;
    load()
      .then((s) => {
        if (!alive) return;
        setSnap(s);
        setError(null);
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      });
    const timer = setTimeout(() => setTick((t) => t + 1), intervalMs);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [tick, load, intervalMs]);

  if (!snap) return <Text>{error ? `Error: ${error}` : "Loading datastore status…"}</Text>;
  const rows = snap.namespaces.length
    ? snap.namespaces
    : [{ namespace: snap.namespace, repoId: snap.repoId, registeredAt: "", isCurrent: true }];
  const current = Math.min(selected, rows.length - 1);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>swamp</Text> · {snap.remote ? snap.remote.store : `${snap.type} ${snap.path ?? ""}`} ·{" "}
        <Text color={snap.healthy ? "green" : "red"}>
          {snap.healthy ? `healthy ${snap.latencyMs} ms` : `unhealthy: ${snap.message}`}
        </Text>
      </Text>
      <Text
        dimColor
      >{`  ${pad("NAMESPACE", 14)}${pad("REPO", 12)}${pad("REGISTERED", 13)}${pad("LEASE", 44)}SYNC`}</Text>
      {rows.map((row, i) => (
        <Text key={row.namespace || "(solo)"} inverse={i === current}>
          {`${row.isCurrent ? "▸ " : "  "}${pad(row.namespace || "(solo)", 14)}${pad(row.repoId ? `${row.repoId.slice(0, 8)}…` : "—", 12)}${pad(row.registeredAt.slice(0, 10) || "—", 13)}${pad(row.isCurrent ? describeLease(snap.locks.global) : "—", 44)}${row.isCurrent ? describeSync(snap.remote, Date.parse(snap.checkedAt)) : "—"}`}
        </Text>
      ))}
      {snap.locks.models.length > 0 && <Text dimColor>{"  MODEL LEASES"}</Text>}
      {snap.locks.models.map((m) => (
        <Text key={m.key}>{`  ${pad(m.lockScope ?? m.key, 40)}${describeLease(m)}`}</Text>
      ))}
      {describeTransfer(snap.remote) && <Text color="cyan">{`  ${describeTransfer(snap.remote)}`}</Text>}
      {snap.remote && (
        <Text
          dimColor
        >{`  pending push: ${snap.remote.pendingBulk ? "full walk" : `${snap.remote.pendingPaths} path(s)`}${snap.remote.lastPushAt ? ` · last push ${formatDuration(Date.parse(snap.checkedAt) - Date.parse(snap.remote.lastPushAt))} ago` : ""}`}</Text>
      )}
      {error && <Text color="red">{`refresh failed: ${error}`}</Text>}
      <Text dimColor>{`updated ${snap.checkedAt.slice(11, 19)} · q quit · r refresh · ↑↓ select`}</Text>
    </Box>
  );
}

/** Runs the live view until the user presses q. */
export async function runStatusView(load: () => Promise<StatusSnapshot>, intervalMs = 1000): Promise<void> {
  const app = render(<StatusView load={load} intervalMs={intervalMs} />, { exitOnCtrlC: false });
  await app.waitUntilExit();
}
