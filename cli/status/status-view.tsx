import { Box, render, Text, useApp, useInput, useWindowSize } from "ink";
import { useEffect, useState } from "react";
import { formatDuration } from "../../core/duration-text.ts";
import { describeCatalogPull, describeLease, describeSync, describeTransfer } from "./lease-text.ts";
import { describeOwner, namespaceLabel, pad, tableHeader, tableRow } from "./namespace-text.ts";
import type { StatusSnapshot } from "./status-snapshot.ts";

interface Props {
  load: () => Promise<StatusSnapshot>;
  intervalMs: number;
}

function StatusView({ load, intervalMs }: Props) {
  const { exit } = useApp();
  const [snap, setSnap] = useState<StatusSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  // The row under the cursor; this repo's own until an arrow key moves it.
  const [selected, setSelected] = useState<number | null>(null);
  const { columns } = useWindowSize();

  useInput((input, key) => {
    if (input === "q" || key.escape || (key.ctrl && input === "c")) exit();
    if (input === "r") setTick((t) => t + 1);
    const from = (i: number | null) => Math.min(i ?? ownRow(snap), (snap?.namespaces.length ?? 1) - 1);
    if (key.upArrow) setSelected((i) => Math.max(0, from(i) - 1));
    if (key.downArrow) setSelected((i) => from(i) + 1);
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the refresh trigger (timer or `r`).
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next refresh is counted from the end of this one: a load slower than the interval
    // would otherwise be dropped by the next before it could show anything.
    load()
      .then((s) => {
        if (!alive) return;
        setSnap(s);
        setError(null);
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (alive) timer = setTimeout(() => setTick((t) => t + 1), intervalMs);
      });
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [tick, load, intervalMs]);

  if (!snap) return <Text>{error ? `Error: ${error}` : "Loading datastore status…"}</Text>;
  const rows = snap.namespaces;
  const current = Math.min(selected ?? ownRow(snap), rows.length - 1);
  const chosen = rows[current];
  const now = Date.parse(snap.checkedAt);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>swamp</Text> · {snap.remote ? snap.remote.store : `${snap.type} ${snap.path ?? ""}`} ·{" "}
        <Text color={snap.healthy ? "green" : "red"}>
          {snap.healthy ? `healthy ${snap.latencyMs} ms` : `unhealthy: ${snap.message}`}
        </Text>
      </Text>
      <Text dimColor wrap="truncate-end">
        {tableHeader(columns)}
      </Text>
      {rows.map((row, i) => (
        <Text key={row.namespace || "(solo)"} inverse={i === current} wrap="truncate-end">
          {tableRow(
            row,
            columns,
            row.isCurrent ? describeSync(snap.remote, now) : describeCatalogPull(row, now),
          )}
        </Text>
      ))}
      {chosen && (
        <Text
          dimColor
          wrap="truncate-end"
        >{`  ${namespaceLabel(chosen)}: ${describeOwner(chosen)} · lease ${describeLease(chosen.lease)}`}</Text>
      )}
      {snap.locks.models.length > 0 && <Text dimColor>{"  MODEL LEASES"}</Text>}
      {snap.locks.models.map((m) => (
        <Text key={m.key} wrap="truncate-end">{`  ${pad(m.lockScope ?? m.key, 32)}${describeLease(m)}`}</Text>
      ))}
      {describeTransfer(snap.remote) && (
        <Text color="cyan" wrap="truncate-end">{`  ${describeTransfer(snap.remote)}`}</Text>
      )}
      {snap.remote && (
        <Text dimColor wrap="truncate-end">
          {`  pending push: ${snap.remote.pendingBulk ? "full walk" : `${snap.remote.pendingPaths} path(s)`}${snap.remote.lastPushAt ? ` · last push ${formatDuration(now - Date.parse(snap.remote.lastPushAt))} ago` : ""}`}
        </Text>
      )}
      {error && <Text color="red" wrap="truncate-end">{`refresh failed: ${error}`}</Text>}
      <Text
        dimColor
        wrap="truncate-end"
      >{`updated ${snap.checkedAt.slice(11, 19)} · q quit · r refresh · ↑↓ select`}</Text>
    </Box>
  );
}

function ownRow(snap: StatusSnapshot | null): number {
  return Math.max(0, snap?.namespaces.findIndex((row) => row.isCurrent) ?? 0);
}

/** Runs the live view until the user presses q. */
export async function runStatusView(load: () => Promise<StatusSnapshot>, intervalMs = 1000): Promise<void> {
  const app = render(<StatusView load={load} intervalMs={intervalMs} />, { exitOnCtrlC: false });
  await app.waitUntilExit();
}
