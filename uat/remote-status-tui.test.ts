import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { startRemote } from "./support/remote.ts";
import { seedRecords } from "./support/seed.ts";
import type { StatusDoc } from "./support/shapes.ts";
import { cloneRepo, expectExit, makeRepo, SWAMP_BIN } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

describe("swamp ds status on a bucket", () => {
  test("shows the bucket, the cache and sync state, and a running transfer's progress live", async () => {
    const server = await startRemote("s3");
    const bucket = await server.createBucket();
    // Enough files that the clone's pull runs for a few seconds against moto.
    const seeded = await makeRepo(server.env);
    await seedRecords(join(seeded.dir, ".swamp"), 250, "tui");
    expectExit(await seeded.run([...server.setupArgs(bucket.name, { prefix: "tui" }), "--json"]), 0);
    const clone = cloneRepo(seeded);
    const status = expectExit(await clone.run(["ds", "status", "--json"]), 0).json<StatusDoc>();
    expect(status).toMatchObject({
      type: "s3",
      healthy: true,
      remote: { bucket: bucket.name, prefix: "tui" },
    });
    expect(status.remote?.cachePath).toBe(join(clone.swampHome, "repos", clone.repoId));

    const term = await TmuxSession.start(`'${SWAMP_BIN}' ds status; echo EXITED-$?`, {
      cwd: clone.dir,
      env: clone.env,
      width: 140,
      height: 20,
    });
    await term.waitForText([`s3://${bucket.name}/tui`, "healthy", "never pulled", "q quit"]);
    const pull = clone.spawn(["ds", "sync", "--pull", "--json"], { timeoutMs: 120_000 });
    const during = await term.waitForText([/download [█░]+ \d+\/\d+ \(\d+%\) · pid \d+/], 30_000);
    expect(during).toContain(`pid ${pull.pid}`);
    expectExit(await pull.result, 0);
    await term.waitForText([/clean · pulled \d+ s ago/], 15_000);
    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });
});
