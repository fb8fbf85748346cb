import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { writeLease } from "./support/leases.ts";
import type { StatusDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, SWAMP_BIN } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

describe("swamp ds status", () => {
  test("--json is one snapshot of config, health, namespace and leases", async () => {
    const repo = await makeRepo();
    const doc = expectExit(await repo.run(["ds", "status", "--json"]), 0).json<StatusDoc>();
    expect(doc).toMatchObject({
      type: "filesystem",
      path: join(repo.dir, ".swamp"),
      healthy: true,
      namespace: "",
      repoId: repo.repoId,
      locks: { global: { held: false }, models: [] },
    });
    expect(typeof doc.message).toBe("string");
    expect(doc.latencyMs).toBeGreaterThanOrEqual(0);
    expect(doc.directories).toContain("data");
    expect(doc.directories).not.toContain("secrets");
    expect(doc).toHaveProperty("namespaces");
  });

  test("without a TTY it prints one snapshot and exits 0", async () => {
    const repo = await makeRepo();
    const r = expectExit(await repo.run(["ds", "status"], { timeoutMs: 10_000 }), 0);
    expect(r.stdout).toContain("filesystem");
    expect(r.stdout).toContain("healthy");
    expect(r.stdout).toContain(join(repo.dir, ".swamp"));
  });

  test("in a real terminal it draws, refreshes, and quits on q", async () => {
    const repo = await makeRepo();
    const term = await TmuxSession.start(`'${SWAMP_BIN}' ds status; echo EXITED-$?`, {
      cwd: repo.dir,
      env: repo.env,
      width: 120,
      height: 30,
    });
    const first = await term.waitForText(["swamp", "filesystem", "healthy", "q quit"]);
    expect(first).not.toContain("EXITED-");

    // A lease taken while the view is open shows up without any key press: the view refreshes.
    writeLease(join(repo.dir, ".swamp", ".datastore.lock"), { holder: "bob@ci-7" });
    await term.waitForText(["bob@ci-7"]);

    await term.sendKeys("q");
    const last = await term.waitForText(["EXITED-0"]);
    expect(last).toContain("EXITED-0");
  });
});
