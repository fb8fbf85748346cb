import { describe, expect, test } from "bun:test";
import { type ScreenLine, type ScreenState, statusScreen } from "../../../cli/status/status-screen.ts";
import type { LeaseDoc, StatusSnapshot } from "../../../cli/status/status-snapshot.ts";
import { unreachableTracker } from "../../../cli/status/unreachable-since.ts";

const REPO = "6f0c1d2e-0000-4000-8000-000000000000";
const free = (key: string): LeaseDoc => ({ key, held: false, stale: false });
const held: LeaseDoc = {
  key: "infra/.locks/models/aws/vpc/main.lock",
  held: true,
  stale: false,
  ageMs: 2_000,
  expiresInMs: 28_000,
  lockScope: "aws/vpc/main",
  info: {
    holder: "bob@ci-7",
    hostname: "ci-7",
    pid: 412,
    acquiredAt: "2026-06-03T12:03:00.000Z",
    renewedAt: "2026-06-03T12:03:06.000Z",
    ttlMs: 30_000,
    nonce: "n",
    epoch: 1,
  },
};

const healthy: StatusSnapshot = {
  type: "s3",
  datastoreType: "s3",
  healthy: true,
  message: "s3://acc-x is reachable",
  latencyMs: 25,
  directories: ["data"],
  namespace: "infra",
  repoId: REPO,
  repoDir: "/home/me/infra",
  namespaces: [
    {
      namespace: "apps-with-a-rather-long-namespace-name",
      repoId: "9a9a9a9a-1111-4111-8111-111111111111",
      registeredAt: "2026-06-01T08:00:00.000Z",
      isCurrent: false,
      state: "registered",
      lease: free("apps-with-a-rather-long-namespace-name/.datastore.lock"),
    },
    {
      namespace: "infra",
      repoId: REPO,
      registeredAt: "2026-06-02T08:00:00.000Z",
      isCurrent: true,
      state: "registered",
      lease: free("infra/.datastore.lock"),
    },
  ],
  locks: { global: free("infra/.datastore.lock"), models: [held] },
  remote: {
    store: "s3://acc-x (endpoint http://127.0.0.1:9000)",
    bucket: "acc-x",
    cachePath: "/home/me/.swamp/repos/x",
    hydrationStrategy: "full",
    pendingPaths: 3,
    pendingBulk: false,
    lastPullAt: "2026-06-03T12:01:10.000Z",
  },
  checkedAt: "2026-06-03T12:03:10.000Z",
};

const unreachable: StatusSnapshot = {
  ...healthy,
  healthy: false,
  message:
    "s3://acc-x is not reachable: S3 LIST _index/ failed: connect ECONNREFUSED 127.0.0.1:9000. Check …",
  cause: "connection refused",
  latencyMs: 2_100,
  unreachableSince: "2026-06-03T12:03:10.000Z",
  checkedAt: "2026-06-03T12:03:40.000Z",
  locks: {
    global: { ...free("infra/.datastore.lock"), error: "S3 GET infra/.datastore.lock failed" },
    models: [],
  },
};

const state = (over: Partial<ScreenState> = {}): ScreenState => ({
  snap: healthy,
  local: { type: "s3", namespace: "infra", deadlineMs: 3_000 },
  selected: null,
  help: false,
  ...over,
});

const text = (lines: ScreenLine[]) => lines.map((l) => l.segments.map((s) => s.text).join(""));

describe("the live status screen", () => {
  test("at 80 columns no line reaches the last column, and the table header is one row", () => {
    for (const snap of [healthy, unreachable]) {
      const lines = text(statusScreen(state({ snap }), { columns: 80, rows: 24 }));
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(79);
      expect(lines[1]).toMatch(/^ {2}NAMESPACE +REPO +REGISTERED +LEASE +SYNC$/);
    }
  });

  test("healthy: the latency first, then where; this repo's row is chosen and shows its leases", () => {
    const lines = text(statusScreen(state(), { columns: 80, rows: 24 }));
    expect(lines[0]).toBe("swamp · ● healthy 25 ms · s3://acc-x (endpoint http://127.0.0.1:9000)");
    expect(lines[3]).toMatch(/^▸ infra +6f0c1d2e… 2026-06-02 free +3 pending · pulled…$/);
    expect(statusScreen(state(), { columns: 80, rows: 24 })[3]?.selected).toBe(true);
    expect(lines).toContain("  LEASES OF infra");
    expect(lines).toContain("    global       free");
    expect(lines).toContain("    aws/vpc/main bob@ci-7 (pid 412) 8 s · ttl 28 s");
    expect(lines.at(-1)).toBe("updated 12:03:10 · ? keys · r refresh · q quit");
  });

  test("unreachable: since when and why, no latency and no lease figures from before", () => {
    const lines = text(statusScreen(state({ snap: unreachable }), { columns: 80, rows: 24 }));
    expect(lines[0]).toMatch(/^swamp · ● unreachable since 12:03:10 \(connection refused\) · s3:\/\/acc-x/);
    expect(lines.join("\n")).not.toContain("healthy");
    expect(lines.join("\n")).not.toContain("bob@ci-7");
    expect(lines).toContain("    unknown: connection refused");
  });

  test("before the first check ends: what is known locally and how long the check may take", () => {
    const lines = text(statusScreen(state({ snap: null }), { columns: 80, rows: 24 }));
    expect(lines).toEqual([
      "swamp · s3 · namespace infra · checking the store (at most 3 s)…",
      "? keys · r refresh · q quit",
    ]);
  });

  test("another namespace chosen: its leases once read, `reading…` until then", () => {
    const apps = "apps-with-a-rather-long-namespace-name";
    const reading = text(statusScreen(state({ selected: 0 }), { columns: 80, rows: 24 }));
    expect(reading).toContain(`  LEASES OF ${apps}`);
    expect(reading).toContain("    reading…");
    const focus = {
      namespace: apps,
      global: free(`${apps}/.datastore.lock`),
      models: [{ ...held, lockScope: "k8s/app/web" }],
    };
    const read = text(statusScreen(state({ selected: 0, focus }), { columns: 80, rows: 24 }));
    expect(read).toContain("    k8s/app/web bob@ci-7 (pid 412) 8 s · ttl 28 s");
    expect(read).not.toContain("    aws/vpc/main bob@ci-7 (pid 412) 8 s · ttl 28 s");
  });

  test("? swaps the footer for the keys", () => {
    expect(text(statusScreen(state({ help: true }), { columns: 80, rows: 24 })).at(-1)).toBe(
      "↑/k ↓/j choose a namespace · r refresh now · ? hide keys · q quit",
    );
  });

  test("a wide terminal shows whole namespace names and repo ids", () => {
    const lines = text(statusScreen(state(), { columns: 200, rows: 50 }));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(199);
    expect(lines[2]).toContain("apps-with-a-rather-long-namespace-name");
    expect(lines[2]).toContain("9a9a9a9a-1111-4111-8111-111111111111");
    expect(lines[3]).toContain("3 pending · pulled 2 min ago");
  });
});

describe("a screen with more than fits", () => {
  const many: StatusSnapshot = {
    ...healthy,
    namespaces: Array.from({ length: 30 }, (_, i) => ({
      ...(healthy.namespaces[1] as StatusSnapshot["namespaces"][number]),
      namespace: `team-${String(i).padStart(2, "0")}`,
      isCurrent: i === 5,
    })),
    locks: {
      global: free("team-05/.datastore.lock"),
      models: Array.from({ length: 20 }, (_, i) => ({ ...held, lockScope: `aws/vpc/m${i}` })),
    },
  };

  test("24 rows: the last row stays free, the chosen namespace is in view, the leases say how many more", () => {
    const lines = text(statusScreen(state({ snap: many }), { columns: 80, rows: 24 }));
    expect(lines).toHaveLength(23);
    expect(lines.some((l) => l.startsWith("▸ team-05 "))).toBe(true);
    expect(lines.some((l) => /^ {4}… \d+ more lines: a taller terminal shows them$/.test(l))).toBe(true);
    expect(lines.at(-1)).toBe("updated 12:03:10 · ? keys · r refresh · q quit");
  });

  test("the table's window follows the chosen row", () => {
    const lines = text(statusScreen(state({ snap: many, selected: 29 }), { columns: 80, rows: 24 }));
    expect(lines).toHaveLength(23);
    expect(lines.some((l) => l.startsWith("  team-29 "))).toBe(true);
    expect(lines).toContain("  LEASES OF team-29");
  });
});

describe("unreachableTracker", () => {
  test("keeps the first unhealthy check of a run, and starts over once healthy", () => {
    const track = unreachableTracker();
    const down = (at: string) => ({ ...unreachable, unreachableSince: undefined, checkedAt: at });
    expect(track(healthy).unreachableSince).toBeUndefined();
    expect(track(down("2026-06-03T12:03:10.000Z")).unreachableSince).toBe("2026-06-03T12:03:10.000Z");
    expect(track(down("2026-06-03T12:03:20.000Z")).unreachableSince).toBe("2026-06-03T12:03:10.000Z");
    expect(track(healthy).unreachableSince).toBeUndefined();
    expect(track(down("2026-06-03T12:04:00.000Z")).unreachableSince).toBe("2026-06-03T12:04:00.000Z");
  });
});
