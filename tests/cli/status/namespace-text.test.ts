import { describe, expect, test } from "bun:test";
import { namespaceLines, tableHeader, tableRow } from "../../../cli/status/namespace-text.ts";
import type { LeaseDoc, NamespaceDoc } from "../../../cli/status/status-snapshot.ts";

const now = "2026-06-03T10:00:00.000Z";
const held: LeaseDoc = {
  key: "infra/.datastore.lock",
  held: true,
  stale: false,
  ageMs: 8_000,
  expiresInMs: 22_000,
  info: {
    holder: "someone-with-a-long-name@a-very-long-hostname-of-a-ci-runner",
    hostname: "a-very-long-hostname-of-a-ci-runner",
    pid: 412,
    acquiredAt: now,
    renewedAt: now,
    ttlMs: 30_000,
    nonce: "n",
    epoch: 1,
  },
};
const free = (key: string): LeaseDoc => ({ key, held: false, stale: false });

const rows: NamespaceDoc[] = [
  {
    namespace: "",
    repoId: "",
    registeredAt: "",
    isCurrent: false,
    state: "solo",
    lease: free(".datastore.lock"),
  },
  {
    namespace: "infra",
    repoId: "6f0c1d2e-0000-4000-8000-000000000000",
    registeredAt: "2026-06-03T09:00:00.000Z",
    isCurrent: true,
    state: "registered",
    lease: held,
  },
  {
    namespace: "a-namespace-with-a-slug-longer-than-its-column",
    repoId: "",
    registeredAt: "",
    isCurrent: false,
    state: "corrupt",
    problem: 'manifest unreadable: it names namespace "other", not "a-namespace…"',
    lease: free("x/.datastore.lock"),
  },
];

describe("the namespace table", () => {
  test("fits 80 columns without reaching the last one, whatever the values", () => {
    const lines = [tableHeader(80), ...rows.map((row) => tableRow(row, 80, "3 pending · pulled 2 min ago"))];
    for (const line of lines) expect(line.length).toBeLessThan(80);
    expect(lines[0]).toMatch(/^ {2}NAMESPACE +REPO +REGISTERED +LEASE +SYNC$/);
  });

  test("shows the repo, the date, the lease and marks this repo's own; a bad manifest says so", () => {
    const [solo, infra, bad] = rows.map((row) => tableRow(row, 120, row.isCurrent ? "clean" : "—"));
    expect(solo).toMatch(/^ {2}\(solo\) +— +— +free +—$/);
    expect(infra).toMatch(
      /^▸ infra +6f0c1d2e-0000-4000… 2026-06-03 someone-with-a-long-name@a-very-long-hos… clean$/,
    );
    expect(bad).toMatch(/^ {2}a-namespac… manifest unreadable: it names… free +—$/);
  });

  test("a wide terminal has room for whole names and repo ids", () => {
    const infra = tableRow(rows[1] as NamespaceDoc, 200, "clean");
    expect(infra).toContain("6f0c1d2e-0000-4000-8000-000000000000");
    expect(infra).toContain("someone-with-a-long-name@a-very-long-hostname-of-a-ci-runner (pid 412)");
    expect(tableRow(rows[2] as NamespaceDoc, 200, "—")).toContain("a-namespace-with-a-slug-longer-than-it…");
  });

  test("the plain text has one full line per namespace", () => {
    expect(namespaceLines(rows)).toEqual([
      "      (solo)                                          solo layout at the datastore root · lease free",
      `    ▸ infra                                           repo 6f0c1d2e-0000-4000-8000-000000000000 · registered 2026-06-03 · lease someone-with-a-long-name@a-very-long-hostname-of-a-ci-runner (pid 412) 8 s · ttl 22 s`,
      `      a-namespace-with-a-slug-longer-than-its-column  manifest unreadable: it names namespace "other", not "a-namespace…" · lease free`,
    ]);
  });
});
