// Builds the standalone binary: `bun build.ts` → dist/swamp for this host;
// `bun build.ts --all` also builds dist/swamp-{linux,darwin}-{x64,arm64} and dist/SHA256SUMS.
// Cross-target Bun runtimes come from the npm registry (@oven/bun-<os>-<arch>), never from elsewhere.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "./package.json" with { type: "json" };

const bunVersion = pkg.devDependencies.bun;
const root = import.meta.dir;
const dist = join(root, "dist");
const targets = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"] as const;

function run(cmd: string[], cwd = root): void {
  const result = Bun.spawnSync(cmd, { cwd, stdout: "inherit", stderr: "inherit" });
  if (result.exitCode !== 0) throw new Error(`build step failed (${result.exitCode}): ${cmd.join(" ")}`);
}

/** The commit being built, or "unknown" (no git, or not a checkout), with "-dirty" for uncommitted changes. */
function commit(): string {
  try {
    const head = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: root });
    if (head.exitCode !== 0) return "unknown";
    const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: root });
    return `${head.stdout.toString().trim()}${dirty.stdout.toString().trim() === "" ? "" : "-dirty"}`;
  } catch {
    return "unknown";
  }
}

/** UTC, second precision; SOURCE_DATE_EPOCH (reproducible builds) wins over the clock. */
function buildDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = Number.isInteger(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date();
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const stamp = { SWAMP_VERSION: pkg.version, SWAMP_COMMIT: commit(), SWAMP_BUILD_DATE: buildDate() };

function compile(outfile: string, target?: string, executablePath?: string): void {
  const cmd = [
    process.execPath,
    "build",
    "cli/main.ts",
    // The backfill's directory walk runs on a worker thread; the worker is its own entrypoint.
    "adapters/fs/version-walk-worker.ts",
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    "--splitting",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    ...Object.entries(stamp).map(([name, value]) => `--define=${name}=${JSON.stringify(value)}`),
    `--outfile=${outfile}`,
  ];
  if (target) cmd.push(`--target=bun-${target}`);
  if (executablePath) cmd.push(`--compile-executable-path=${executablePath}`);
  run(cmd);
}

/** Unpacks the Bun runtime for a target from the npm registry package and returns its path. */
function runtimeFor(target: string): string {
  const cache = join(dist, ".runtimes", `${target}-${bunVersion}`);
  const binary = join(cache, "package", "bin", "bun");
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  // The registry names ARM packages "aarch64" where Bun's --target says "arm64".
  const name = `bun-${target.replace("arm64", "aarch64")}`;
  run(["npm", "pack", "--silent", `@oven/${name}@${bunVersion}`], cache);
  run(["tar", "-xzf", `oven-${name}-${bunVersion}.tgz`], cache);
  return binary;
}

const hostTarget = `${process.platform}-${process.arch}`;
mkdirSync(dist, { recursive: true });
compile(join(dist, "swamp"));
console.log(`built dist/swamp (${hostTarget})`);

if (process.argv.includes("--all")) {
  const sums: string[] = [];
  for (const target of targets) {
    const out = join(dist, `swamp-${target}`);
    compile(out, target, target === hostTarget ? undefined : runtimeFor(target));
    sums.push(`${createHash("sha256").update(readFileSync(out)).digest("hex")}  swamp-${target}`);
    console.log(`built dist/swamp-${target}`);
  }
  writeFileSync(join(dist, "SHA256SUMS"), `${sums.join("\n")}\n`);
  console.log("wrote dist/SHA256SUMS");
}
