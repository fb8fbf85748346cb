import { Box, render, Text, useApp, useInput, useWindowSize } from "ink";
import { useEffect, useState } from "react";
import { flushed } from "../flush.ts";
import {
  chosenRow,
  type NamespaceLeases,
  type ScreenState,
  type Segment,
  statusScreen,
} from "./status-screen.ts";
import type { StatusSnapshot } from "./status-snapshot.ts";

/** What the live view draws from: what is known locally, and one bounded check of the store. */
export interface LiveSource {
  local: ScreenState["local"];
  /** A snapshot, with the leases of `namespace` when it is not this repo's own. Never hangs past its deadline. */
  load(namespace: string | undefined): Promise<{ snap: StatusSnapshot; focus?: NamespaceLeases }>;
  intervalMs: number;
}

const TONES: Record<Segment["tone"], { color?: string; bold?: boolean; dimColor?: boolean }> = {
  plain: {},
  bold: { bold: true },
  dim: { dimColor: true },
  green: { color: "green" },
  red: { color: "red" },
  cyan: { color: "cyan" },
};

function StatusView({ source }: { source: LiveSource }) {
  const { exit } = useApp();
  const [snap, setSnap] = useState<StatusSnapshot | null>(null);
  const [focus, setFocus] = useState<NamespaceLeases | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [help, setHelp] = useState(false);
  const [tick, setTick] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  const { columns, rows: height } = useWindowSize();
  const rows = snap?.namespaces ?? [];
  const chosen = rows[chosenRow(snap, selected)];
  const focusName = chosen && !chosen.isCurrent ? chosen.namespace : undefined;

  useInput((input, key) => {
    if (input === "q" || key.escape || (key.ctrl && input === "c")) exit();
    if (input === "r") setTick((t) => t + 1);
    if (input === "?") setHelp((shown) => !shown);
    const move = key.upArrow || input === "k" ? -1 : key.downArrow || input === "j" ? 1 : 0;
    if (move !== 0 && rows.length > 0) {
      setSelected(Math.max(0, Math.min(rows.length - 1, chosenRow(snap, selected) + move)));
    }
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` is the refresh trigger (timer or `r`); a new choice of namespace refreshes too.
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next refresh is counted from the end of this one: a load slower than the interval
    // would otherwise be dropped by the next before it could show anything.
    source
      .load(focusName)
      .then((answer) => {
        if (!alive) return;
        setSnap(answer.snap);
        setFocus(answer.focus);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (alive) timer = setTimeout(() => setTick((t) => t + 1), source.intervalMs);
      });
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [tick, source, focusName]);

  const screen = statusScreen(
    { snap, local: source.local, selected, focus, help, error },
    { columns, rows: height },
  );
  return (
    <Box flexDirection="column">
      {screen.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on the screen.
        <Text key={i} inverse={line.selected} wrap="truncate-end">
          {line.segments.map((segment, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positions in the row.
            <Text key={j} {...TONES[segment.tone]}>
              {segment.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

/** Runs the live view until the user presses q. */
export async function runStatusView(source: LiveSource): Promise<void> {
  // Ink writes to process.stdout: what was written before through Bun's handles goes first.
  await flushed();
  const app = render(<StatusView source={source} />, { exitOnCtrlC: false });
  await app.waitUntilExit();
}
