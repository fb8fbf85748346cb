// `bun bench/remote.ts [--json]`: swamp's remote datastore against `rclone sync` on the same moto
// server (issue 3): push and pull of 2,000 files of about 1 KB, a sync with nothing changed, and a
// lease acquire + release. Every request of both clients goes through one counting proxy in front
// of moto; on a 2-CPU machine it adds a little wall time to both (more to the client that makes
// more requests). Installs nothing: without rclone it measures swamp's side only. Never fails
// because of time.
import { cpSync, existsSync, mkdirSync, statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { capture, runChild } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";
import { benchLease } from "./remote-lease.ts";
import { benchRclone, INSTALL_HINT, RCLONE_FLAGS, rcloneVersion } from "./remote-rclone.ts";
import { type RemoteReport, renderRemoteReport } from "./remote-report.ts";
import { FILE_COUNT, seedDataFiles } from "./remote-seed.ts";
import { benchSwamp, makeBenchRepo } from "./remote-swamp.ts";

const LEASE_RUNS = 20;
const BUCKET = "swamp-bench";

const json = process.argv.includes("--json");
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);

if (!existsSync(binary)) {
  console.error(
    `No compiled binary at ${binary}. Build it first with 'bun build.ts', then rerun 'bun bench/remote.ts'.`,
  );
  process.exit(1);
}
const rclone = rcloneVersion();
if (rclone === null) console.error(INSTALL_HINT);

const world = await startMotoWorld("remote", BUCKET);
const { work, proxy } = world;
try {
  const loadStart = loadavg()[0] ?? 0;

  const writer = makeBenchRepo(join(work, "writer"));
  await runChild({ argv: [binary, "repo", "init", "--json"], cwd: writer.dir, env: writer.env });
  progress(`seeding ${FILE_COUNT} files`);
  const seeded = await seedDataFiles(join(writer.dir, ".swamp"));
  // rclone gets the same bytes: `ds setup` moves the seeded files into swamp's cache.
  const rcloneSource = join(work, "rclone-src");
  mkdirSync(rcloneSource);
  cpSync(join(writer.dir, ".swamp", "data"), join(rcloneSource, "data"), { recursive: true });

  progress("swamp: push (ds setup s3), zero-diff sync, clone pull");
  const target = { binary, proxy, bucket: BUCKET, prefix: "swamp" };
  const swampRuns = await benchSwamp(target, writer, join(work, "clone"), seeded.files);
  progress(`swamp: lease acquire + release × ${LEASE_RUNS}`);
  const lease = await benchLease(proxy.url, BUCKET, "lease", LEASE_RUNS);

  let rcloneRuns: RemoteReport["rclone"];
  if (rclone !== null) {
    progress("rclone: push, zero-diff sync, pull");
    rcloneRuns = await benchRclone(proxy, BUCKET, "rclone", rcloneSource, join(work, "rclone"), seeded.files);
  }

  const report: RemoteReport = {
    binary,
    binaryBuiltAt: statSync(binary).mtime.toISOString(),
    swampVersion: capture({ argv: [binary, "--version"], cwd: work }).stdout.trim(),
    ...(rclone === null ? {} : { rcloneVersion: rclone }),
    cpus: availableParallelism(),
    loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 },
    files: seeded.files,
    bytes: seeded.bytes,
    rcloneFlags: RCLONE_FLAGS,
    swamp: { ...swampRuns, lease },
    ...(rcloneRuns ? { rclone: rcloneRuns } : {}),
  };
  console.log(json ? JSON.stringify(report, null, 2) : renderRemoteReport(report));
} finally {
  await world.close();
}
