import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { afterThisFile, afterThisTest } from "./cleanup.ts";
import type { ErrorDoc, RepoInitDoc } from "./shapes.ts";

export const PROJECT_ROOT = resolve(import.meta.dir, "..", "..");
export const SWAMP_BIN = join(PROJECT_ROOT, "dist", "swamp");
/** Upper bound for one swamp invocation; a hung command fails the test instead of stalling it. */
export const DEFAULT_TIMEOUT_MS = 20_000;

export type Env = Record<string, string | undefined>;

export interface RunOptions {
  cwd?: string;
  /** Added to (or, with undefined values, removed from) the child's environment. */
  env?: Env;
  stdin?: string | Uint8Array;
  timeoutMs?: number;
}

export interface RunResult {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** stdout parsed as one JSON document. */
  json<T>(): T;
  /** stderr parsed as the `{error, code}` document of `--json` mode. */
  errorJson(): ErrorDoc;
}

/** A private HOME and SWAMP_HOME, so no test reads or writes the user's `~/.swamp`. */
export interface Sandbox {
  home: string;
  swampHome: string;
  env: Env;
}

export interface Repo extends Sandbox {
  dir: string;
  repoId: string;
  /** Runs swamp in the repo with the sandbox environment. */
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  /** Starts swamp in the repo in the background (killed after `timeoutMs`, default DEFAULT_TIMEOUT_MS). */
  spawn(args: string[], options?: RunOptions): Background;
}

export interface Background {
  pid: number;
  proc: Subprocess;
  /** Resolves when the process ends (killed after DEFAULT_TIMEOUT_MS at the latest). */
  result: Promise<RunResult>;
  kill(signal?: NodeJS.Signals | number): void;
}

export function requireBinary(): void {
  if (!existsSync(SWAMP_BIN))
    throw new Error(`dist/swamp is missing: run \`bun build.ts\` (looked for ${SWAMP_BIN})`);
}

/** A fresh temp dir (real path, so it compares equal to what swamp prints), removed after the file. */
export function tempDir(label: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `swamp-uat-${label}-`)));
  afterThisFile(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function makeSandbox(): Sandbox {
  const home = tempDir("home");
  const swampHome = join(home, ".swamp-home");
  mkdirSync(swampHome);
  return { home, swampHome, env: { HOME: home, SWAMP_HOME: swampHome } };
}

/**
 * The child's whole environment: PATH inherited, a private HOME, no colour; nothing else leaks in
 * but SWAMP_INDEX_SPLIT_ENTRIES, so any UAT can run with its index partitions split (README).
 */
function childEnv(extra: Env = {}): Record<string, string> {
  const split = process.env.SWAMP_INDEX_SPLIT_ENTRIES;
  const base: Env = { PATH: process.env.PATH, NO_COLOR: "1", SWAMP_INDEX_SPLIT_ENTRIES: split, ...extra };
  if (base.HOME === undefined) Object.assign(base, makeSandbox().env, extra);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  return env;
}

function startProcess(args: string[], options: RunOptions): Background {
  requireBinary();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const proc = Bun.spawn([SWAMP_BIN, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: childEnv(options.env),
    // No TTY anywhere: stdin is /dev/null (or the given bytes), stdout/stderr are pipes.
    stdin: options.stdin === undefined ? "ignore" : Buffer.from(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const unregister = afterThisTest(() => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
  });
  const result = (async (): Promise<RunResult> => {
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    unregister();
    return makeResult(args, code, stdout, stderr, timedOut);
  })();
  return { pid: proc.pid, proc, result, kill: (signal = "SIGTERM") => proc.kill(signal) };
}

function makeResult(
  args: string[],
  code: number,
  stdout: string,
  stderr: string,
  timedOut: boolean,
): RunResult {
  const result: RunResult = {
    args,
    code,
    stdout,
    stderr,
    timedOut,
    json<T>(): T {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document.\n${describeRun(result)}`);
      }
    },
    errorJson(): ErrorDoc {
      const doc = lastJsonDocument(stderr);
      if (doc === undefined) throw new Error(`stderr holds no JSON error document.\n${describeRun(result)}`);
      return doc as ErrorDoc;
    },
  };
  return result;
}

/** The error document: all of stderr, or the last pretty-printed document after JSON warnings. */
function lastJsonDocument(text: string): unknown {
  const trimmed = text.trim();
  const starts = [0, ...[...trimmed.matchAll(/\n(?=\{)/g)].map((m) => (m.index ?? 0) + 1)];
  for (const start of starts) {
    try {
      return JSON.parse(trimmed.slice(start));
    } catch {
      // not a whole document from here; try the next start
    }
  }
  return undefined;
}

/** Runs `dist/swamp args…` to completion (bounded by `timeoutMs`). */
export function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return startProcess(args, options).result;
}

/** Starts `dist/swamp args…` in the background; it is killed after the test if still running. */
export function spawnSwamp(args: string[], options: RunOptions = {}): Background {
  return startProcess(args, options);
}

export function describeRun(r: RunResult): string {
  const quote = (s: string) => (s.trim() === "" ? "(empty)" : s.trimEnd());
  const how = r.timedOut ? "was killed after timing out" : `exited ${r.code}`;
  return `swamp ${r.args.join(" ")} ${how}\n--- stdout\n${quote(r.stdout)}\n--- stderr\n${quote(r.stderr)}`;
}

/** Fails with the command, its exit code and both outputs when the exit code is not `expected`. */
export function expectExit(r: RunResult, expected: number): RunResult {
  if (r.timedOut || r.code !== expected) throw new Error(`expected exit ${expected}.\n${describeRun(r)}`);
  return r;
}

/** A new repo (`swamp repo init` already run) with its own HOME and SWAMP_HOME; `env` goes to every command. */
export async function makeRepo(env: Env = {}): Promise<Repo> {
  const dir = tempDir("repo");
  const sandbox = withEnv(makeSandbox(), env);
  const init = expectExit(await run(["repo", "init", "--json"], { cwd: dir, env: sandbox.env }), 0);
  return repoAt(dir, sandbox, init.json<RepoInitDoc>().repoId);
}

/**
 * The same repo checked out on another machine: `.swamp.yaml` and `models/` copied into a new
 * dir, with a fresh HOME and SWAMP_HOME (so no cache), and the source's extra environment.
 */
export function cloneRepo(source: Repo): Repo {
  const dir = tempDir("clone");
  copyFileSync(join(source.dir, ".swamp.yaml"), join(dir, ".swamp.yaml"));
  if (existsSync(join(source.dir, "models")))
    cpSync(join(source.dir, "models"), join(dir, "models"), { recursive: true });
  const fresh = makeSandbox();
  return repoAt(dir, withEnv(fresh, source.env), source.repoId);
}

function withEnv(sandbox: Sandbox, env: Env): Sandbox {
  return { ...sandbox, env: { ...env, ...sandbox.env } };
}

function repoAt(dir: string, sandbox: Sandbox, repoId: string): Repo {
  const merge = (options: RunOptions = {}): RunOptions => ({
    ...options,
    cwd: options.cwd ?? dir,
    env: { ...sandbox.env, ...options.env },
  });
  return {
    ...sandbox,
    dir,
    repoId,
    run: (args, options) => run(args, merge(options)),
    spawn: (args, options) => spawnSwamp(args, merge(options)),
  };
}
