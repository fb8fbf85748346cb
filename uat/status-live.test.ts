import { beforeAll, describe, expect, test } from "bun:test";
import { startFaultProxy } from "../tests/support/fault-proxy.ts";
import { afterThisTest, installCleanup } from "./support/cleanup.ts";
import { leaseBody, leaseInfo } from "./support/leases.ts";
import { joinNamespace } from "./support/namespace-repos.ts";
import { type BucketClient, type RemoteServer, startRemote } from "./support/remote.ts";
import { makeRemoteRepo } from "./support/remote-repo.ts";
import { type Repo, SWAMP_BIN } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

const PREFIX = "live";
/** The view checks the store under a 3 s deadline per refresh: this leaves room for a slow machine. */
const CHANGE_SHOWN_MS = 20_000;

/** Every row of `screen` fits `columns` (tmux pads nothing: a longer row would have wrapped onto the next). */
function expectFits(screen: string, columns: number): void {
  const rows = screen.split("\n");
  expect(rows.some((row) => row.trim() !== "")).toBe(true);
  for (const row of rows) expect([...row].length).toBeLessThanOrEqual(columns);
}

const HEADER = /^ {2}NAMESPACE +REPO +REGISTERED +LEASE +SYNC$/m;
const HEALTHY = /● healthy \d+ ms/;
const UNREACHABLE = /● unreachable since \d\d:\d\d:\d\d \(connection refused\)/;

describe("the live ds status on a bucket that goes down and comes back", () => {
  let server: RemoteServer;
  let bucket: BucketClient;
  let infra: Repo;
  let apps: Repo;

  beforeAll(async () => {
    server = await startRemote("s3", {}, { outages: true });
    bucket = await server.createBucket();
    infra = await joinNamespace(server, bucket, "infra", PREFIX);
    apps = await joinNamespace(server, bucket, "apps", PREFIX);
    // Someone in the other namespace holds a model's lease.
    await bucket.put(
      `${PREFIX}/apps/.locks/models/k8s/app/web.lock`,
      leaseBody(leaseInfo({ holder: "carol@ci-9" })),
    );
  });

  const view = (width: number, height: number, args = "") =>
    TmuxSession.start(`'${SWAMP_BIN}' ds status ${args}; echo EXITED-$?`, {
      cwd: infra.dir,
      env: infra.env,
      width,
      height,
    });

  test("80×24: fits, shows the keys, a chosen namespace's leases, and the outage as it happens", async () => {
    const term = await view(80, 24);
    const first = await term.waitForScreen(
      (s) => HEALTHY.test(s) && HEADER.test(s) && /^ {2}apps /m.test(s) && /^▸ infra /m.test(s),
      "a healthy store with both namespaces",
    );
    expectFits(first, 80);
    expect(first).toContain("? keys");

    await term.sendKeys("?");
    expectFits(await term.waitForScreen((s) => s.includes("r refresh now"), "the keys"), 80);
    await term.sendKeys("?");
    await term.waitForScreen((s) => !s.includes("r refresh now") && s.includes("? keys"), "the keys hidden");

    // This repo's own row is chosen first; k moves up to apps and shows its leases.
    await term.sendKeys("k");
    const chosen = await term.waitForScreen(
      (s) => s.includes("LEASES OF apps") && /k8s\/app\/web +carol@ci-9 \(pid 412\)/.test(s),
      "the leases of apps",
    );
    expectFits(chosen, 80);
    await term.sendKeys("j");
    await term.waitForScreen((s) => s.includes("LEASES OF infra"), "the leases of infra again");

    await server.stopServing();
    const down = await term.waitForScreen(
      (s) => UNREACHABLE.test(s),
      "the store unreachable",
      CHANGE_SHOWN_MS,
    );
    expect(down).not.toMatch(HEALTHY);
    expectFits(down, 80);
    expect(down).toMatch(HEADER);

    await server.restart();
    const back = await term.waitForScreen((s) => HEALTHY.test(s), "the store healthy again", CHANGE_SHOWN_MS);
    expect(back).not.toContain("unreachable");
    expectFits(back, 80);

    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });

  test("r refreshes at once, long before the next timed refresh", async () => {
    const term = await view(80, 24, "--interval 600");
    await term.waitForScreen((s) => HEALTHY.test(s) && /^▸ infra .* free /m.test(s), "infra's lease free");
    await bucket.put(`${PREFIX}/infra/.datastore.lock`, leaseBody(leaseInfo({ holder: "dave@ci-3" })));
    await term.sendKeys("r");
    await term.waitForScreen(
      (s) => /^▸ infra .* dave@ci-3 /m.test(s),
      "the lease taken after the first draw",
    );
    await bucket.delete(`${PREFIX}/infra/.datastore.lock`);
    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });

  test("200×50, started while the store is down: unreachable within the deadline, then healthy and wide", async () => {
    await server.stopServing();
    const term = await view(200, 50);
    const down = await term.waitForScreen(
      (s) => UNREACHABLE.test(s),
      "the store unreachable",
      CHANGE_SHOWN_MS,
    );
    expect(down).not.toMatch(HEALTHY);
    expect(down).not.toContain("Loading");
    expectFits(down, 200);

    await server.restart();
    const wide = await term.waitForScreen(
      (s) => HEALTHY.test(s) && /^ {2}apps /m.test(s),
      "the store healthy again with both namespaces",
      CHANGE_SHOWN_MS,
    );
    expectFits(wide, 200);
    // Wide enough for whole repo ids and the store's whole address.
    expect(wide).toContain(infra.repoId);
    expect(wide).toContain(apps.repoId);
    expect(wide).toContain(`s3://${bucket.name}/${PREFIX}`);
    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });

  test("a store that stops answering (no refusal, no answer): unreachable within the deadline, at start too", async () => {
    const fault = await startFaultProxy(server.port);
    afterThisTest(() => fault.stop());
    const stalled = await makeRemoteRepo(server, { endpoint: fault.url, prefix: "stalled" });
    fault.mode("stall");
    const term = await TmuxSession.start(`'${SWAMP_BIN}' ds status; echo EXITED-$?`, {
      cwd: stalled.repo.dir,
      env: stalled.repo.env,
      width: 80,
      height: 24,
    });
    const silent = /● unreachable since \d\d:\d\d:\d\d \(no answer within 3 s\)/;
    const down = await term.waitForScreen(
      (s) => silent.test(s),
      "the stalled store unreachable",
      CHANGE_SHOWN_MS,
    );
    expect(down).not.toMatch(HEALTHY);
    expectFits(down, 80);

    fault.mode("pass");
    await term.waitForScreen((s) => HEALTHY.test(s), "the store healthy again", CHANGE_SHOWN_MS);
    fault.mode("stall");
    const again = await term.waitForScreen((s) => silent.test(s), "the store stalled again", CHANGE_SHOWN_MS);
    expect(again).not.toMatch(HEALTHY);
    fault.mode("pass");
    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });
});
