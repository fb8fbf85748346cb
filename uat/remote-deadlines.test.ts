import { beforeAll, describe, expect, test } from "bun:test";
import { type FaultProxy, startFaultProxy } from "../tests/support/fault-proxy.ts";
import { afterThisFile, installCleanup } from "./support/cleanup.ts";
import { heldLeaseObjects, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { makeRemoteRepo, put, type RemoteRepo } from "./support/remote-repo.ts";
import { describeRun, makeRepo, type Repo, type RunResult } from "./support/swamp.ts";

installCleanup();

/** Both deadlines a user sets; every command against a stalled store must end well within 15 s. */
const DEADLINES = { SWAMP_LOCK_TIMEOUT_MS: "5000", SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "5000" };
/** The bounded wait: a child still running when it ends has ignored its deadlines. */
const BOUNDED_WAIT_MS = 20_000;

/** One command of the table: what it runs, and what its message must name when its deadline runs out. */
interface Row {
  label: string;
  args: string[];
  /** A repo of its own that is not set up yet (`ds setup`), instead of the one on the bucket. */
  fresh?: true;
  /** The setting to raise, named in the message; null when the command answers from the cache. */
  names: string | null;
}

function rows(kind: string, setupArgs: string[]): Row[] {
  return [
    {
      label: "data put",
      args: ["data", "put", "vpc", "main", "--value", '{"n":2}'],
      names: "SWAMP_LOCK_TIMEOUT_MS",
    },
    // Reads answer from the cache without asking the store (docs/architecture.md, "Command line").
    { label: "data get", args: ["data", "get", "vpc", "main"], names: null },
    { label: "ds sync", args: ["datastore", "sync"], names: "SWAMP_DATASTORE_SYNC_TIMEOUT_MS" },
    { label: "ds status --once", args: ["datastore", "status", "--once"], names: "--timeout <seconds>" },
    { label: "ds lock status", args: ["datastore", "lock", "status"], names: "--timeout <seconds>" },
    { label: `ds setup ${kind}`, args: setupArgs, fresh: true, names: "SWAMP_DATASTORE_SYNC_TIMEOUT_MS" },
    // `swamp doctor` joins the table here once it exists.
  ];
}

interface Measured {
  row: Row;
  seconds: number;
  r: RunResult;
}

describe.each(REMOTE_KINDS)("a stalled %s store: every command ends at its deadline", (kind) => {
  let server: RemoteServer;
  let fault: FaultProxy;

  beforeAll(async () => {
    server = await startRemote(kind);
    fault = await startFaultProxy(server.port);
    afterThisFile(() => fault.stop());
  });

  test("each exits non-zero within the bounded wait, naming the store and the deadline; no lease is left", async () => {
    fault.mode("pass");
    const remote = await makeRemoteRepo(server, { endpoint: fault.url });
    await put(remote.repo, "vpc", "main", '{"n":1}');
    const fresh = await makeRepo(server.env);
    const setupArgs = server.setupArgs(remote.bucket.name, { prefix: "fresh", endpoint: fault.url });
    fault.mode("stall");

    const table = rows(kind, setupArgs);
    const measured = await Promise.all(table.map((row) => measure(row.fresh ? fresh : remote.repo, row)));
    const leases = await heldLeaseObjects(remote.bucket);
    console.log(render(kind, measured, leases));

    for (const { row, r } of measured) expectEnded(row, r, remote);
    expect(leases).toEqual([]);
  }, 60_000);
});

async function measure(repo: Repo, row: Row): Promise<Measured> {
  const started = performance.now();
  const r = await repo.run([...row.args, "--json"], { env: DEADLINES, timeoutMs: BOUNDED_WAIT_MS });
  return { row, seconds: (performance.now() - started) / 1000, r };
}

function expectEnded(row: Row, r: RunResult, remote: RemoteRepo): void {
  if (r.timedOut)
    throw new Error(`${row.label}: still running after ${BOUNDED_WAIT_MS} ms.\n${describeRun(r)}`);
  if (row.names === null) {
    if (r.code !== 0) throw new Error(`${row.label}: should answer from the cache.\n${describeRun(r)}`);
    return;
  }
  const said = `${r.stdout}\n${r.stderr}`;
  if (r.code === 0 || !said.includes(remote.bucket.name) || !said.includes(row.names))
    throw new Error(
      `${row.label}: expected a non-zero exit naming the bucket ${remote.bucket.name} and ${row.names}.\n${describeRun(r)}`,
    );
}

function render(kind: string, measured: Measured[], leases: string[]): string {
  const lines = [
    `stalled ${kind} store, ${JSON.stringify(DEADLINES)}:`,
    "command            seconds  exit  lease left?",
  ];
  for (const { row, seconds, r } of measured) {
    const exit = r.timedOut ? "KILLED" : String(r.code);
    lines.push(
      `${row.label.padEnd(19)}${seconds.toFixed(1).padStart(7)}  ${exit.padStart(4)}  ${leases.length > 0 ? "yes" : "no"}`,
    );
  }
  lines.push("(the commands ran at once; the bucket was read for leases once all had ended)");
  return lines.join("\n");
}
