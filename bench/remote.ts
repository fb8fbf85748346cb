// `bun bench/remote.ts [--rounds N] [--json]`: swamp's remote datastore side by side with
// `rclone sync` and with the raw SDK limit (bench/remote-raw.ts) on the same moto server, in one
// run: push and pull of 2,000 files of about 1 KB, a sync with nothing changed each way, and a
// lease acquire + release. Each round gives every client fresh prefixes and runs them in turn,
// the first one rotating; figures are medians of the rounds (default 3). Every request goes
// through one counting proxy in front of moto, which keeps the clients' connections as a real
// store does; on a 2-CPU machine it adds a little wall time to every client (more to the one
// that makes more requests). Installs nothing: without rclone it
// compares swamp to the SDK limit only. Never fails because of time.
import { cpSync, existsSync, mkdirSync, statSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { pullConcurrency, pushConcurrency } from "../core/tunables.ts";
import { capture, runChild } from "./measure.ts";
import { startMotoWorld } from "./moto-world.ts";
import { benchLease } from "./remote-lease.ts";
import { benchRawLimit, compileRawLimit } from "./remote-limit.ts";
import { benchRclone, INSTALL_HINT, RCLONE_FLAGS, rcloneVersion } from "./remote-rclone.ts";
import {
  type Measured,
  medianRun,
  type Operation,
  type RemoteReport,
  renderRemoteReport,
} from "./remote-report.ts";
import { copyDataFiles, FILE_COUNT, seedDataFiles } from "./remote-seed.ts";
import { benchSwamp, makeBenchRepo } from "./remote-swamp.ts";

const LEASE_RUNS = 20;
const BUCKET = "swamp-bench";

const args = process.argv.slice(2);
const json = args.includes("--json");
const rounds = Number(args.includes("--rounds") ? args[args.indexOf("--rounds") + 1] : 3);
const binary = join(import.meta.dir, "..", "dist", "swamp");
const progress = (line: string) => console.error(`bench: ${line}`);

if (!Number.isSafeInteger(rounds) || rounds < 1) {
  console.error(
    `--rounds must be a positive whole number; got ${rounds}. Example: bun bench/remote.ts --rounds 5`,
  );
  process.exit(2);
}
if (!existsSync(binary)) {
  console.error(
    `No compiled binary at ${binary}. Build it first with 'bun build.ts', then rerun 'bun bench/remote.ts'.`,
  );
  process.exit(1);
}
const rclone = rcloneVersion();
if (rclone === null) console.error(INSTALL_HINT);

type Client = "swamp" | "rclone" | "limit";
const clients: Client[] = rclone === null ? ["swamp", "limit"] : ["swamp", "rclone", "limit"];

const world = await startMotoWorld("remote", BUCKET);
const { work, proxy } = world;
try {
  const loadStart = loadavg()[0] ?? 0;
  const limitBinary = compileRawLimit(work);

  // One seeded repo; each round's writer is a copy of it, so every push moves the same files.
  const template = makeBenchRepo(join(work, "template"));
  await runChild({ argv: [binary, "repo", "init", "--json"], cwd: template.dir, env: template.env });
  progress(`seeding ${FILE_COUNT} files`);
  const seeded = await seedDataFiles(join(template.dir, ".swamp"));
  // The peers get the same files (swamp's `ds setup` moves the seeded ones into its cache).
  const peerSource = join(work, "peer-src");
  mkdirSync(peerSource);
  copyDataFiles(join(template.dir, ".swamp"), peerSource);

  const runs: Record<Client, Partial<Record<Operation, Measured>>[]> = { swamp: [], rclone: [], limit: [] };
  for (let round = 0; round < rounds; round++) {
    const order = clients.map((_, i) => clients[(i + round) % clients.length] as Client);
    for (const client of order) {
      const root = join(work, `${client}-${round}`);
      progress(`round ${round + 1}/${rounds}: ${client}`);
      if (client === "swamp") {
        const writer = makeBenchRepo(join(root, "writer"));
        cpSync(template.dir, writer.dir, { recursive: true });
        const target = { binary, proxy, bucket: BUCKET, prefix: `swamp-${round}` };
        runs.swamp.push(await benchSwamp(target, writer, join(root, "clone"), seeded.files));
      } else if (client === "rclone") {
        runs.rclone.push(await benchRclone(proxy, BUCKET, `rclone-${round}`, peerSource, root, seeded.files));
      } else {
        mkdirSync(root, { recursive: true });
        const prefix = `limit-${round}`;
        runs.limit.push(
          await benchRawLimit(limitBinary, proxy, BUCKET, prefix, peerSource, root, seeded.files),
        );
      }
    }
  }
  progress(`swamp: lease acquire + release × ${LEASE_RUNS}`);
  const lease = await benchLease(proxy.url, BUCKET, "lease", LEASE_RUNS);

  const medians = <Op extends Operation>(of: Partial<Record<Operation, Measured>>[], ops: readonly Op[]) =>
    Object.fromEntries(ops.map((op) => [op, medianRun(of.map((r) => r[op] as Measured))])) as Record<
      Op,
      Measured
    >;
  const all = ["push", "pull", "zeroDiff", "zeroDiffPull"] as const;
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
    rounds,
    concurrency: { push: pushConcurrency(), pull: pullConcurrency() },
    swamp: medians(runs.swamp, all),
    ...(rclone === null ? {} : { rclone: medians(runs.rclone, all) }),
    limit: medians(runs.limit, ["push", "pull"] as const),
    lease,
  };
  console.log(json ? JSON.stringify(report, null, 2) : renderRemoteReport(report));
} finally {
  await world.close();
}
