import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { writeLease } from "./support/leases.ts";
import { type RemoteServer, startRemote } from "./support/remote.ts";
import { cloneRepo, expectExit, makeRepo, type Repo, SWAMP_BIN, tempDir } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

/** Enough small files that a transfer is drawn a good many times. */
const FILES = 2000;

/** A repo whose folder datastore holds FILES small files (`files/` is moved by every setup). */
async function repoWithFiles(server: RemoteServer): Promise<Repo> {
  const repo = await makeRepo(server.env);
  const dir = join(repo.dir, ".swamp", "files", "batch");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, `f${i}.txt`), `file ${i} ${"x".repeat(i % 50)}\n`);
  return repo;
}

function shellQuote(args: string[]): string {
  return args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
}

/**
 * Runs `swamp args…` on a real terminal (tmux) with everything it writes recorded from its first
 * byte: the pane waits for Enter until the recording runs. Returns the recording and the last screen.
 */
async function onTerminal(repo: Repo, args: string[]): Promise<{ raw: string; screen: string }> {
  const file = join(tempDir("pane"), "pane.log");
  writeFileSync(file, "");
  const tmux = await TmuxSession.start(`read go; ${shellQuote([SWAMP_BIN, ...args])}; echo "EXIT=$?"`, {
    cwd: repo.dir,
    env: repo.env,
    width: 160,
    height: 40,
  });
  await tmux.pipeTo(file);
  await tmux.sendKeys("Enter");
  const screen = await tmux.waitForText([/EXIT=\d+/], 120_000);
  await tmux.kill();
  return { raw: readFileSync(file, "utf8"), screen };
}

/** The bar as it was drawn: each redraw starts with a carriage return and clears the line. */
function redraws(raw: string): string[] {
  return raw.split("\r\x1b[K").filter((part) => /\[[#-]{20}\]/.test(part));
}

describe("progress of transfers (s3)", () => {
  let server: RemoteServer;
  beforeAll(async () => {
    server = await startRemote("s3");
  });

  test("on a terminal: setup and sync --pull draw a bar in place with counts, bytes, rate and ETA, then a summary with the elapsed time", async () => {
    const writer = await repoWithFiles(server);
    const bucket = await server.createBucket();
    const setup = await onTerminal(writer, server.setupArgs(bucket.name, { prefix: "p" }));
    expect(setup.screen).toContain("EXIT=0");
    const setupDraws = redraws(setup.raw);
    expect(
      setupDraws.some(
        (d) => d.startsWith("copying [") && /[\d,]+\/[\d,]+ files · [\d.]+ (B|KB|MB)\//.test(d),
      ),
    ).toBe(true);
    const uploads = setupDraws.filter((d) => d.startsWith("uploading ["));
    expect(uploads.length).toBeGreaterThan(1);
    expect(uploads.some((d) => /files\/s/.test(d) && /ETA \d+ (s|min)/.test(d))).toBe(true);
    const setupLines = setup.screen.split("\n").map((l) => l.trim());
    expect(
      setupLines.some((l) => l.startsWith(`Setting up s3://${bucket.name}/p`) && l.endsWith("...")),
    ).toBe(true);
    expect(
      setupLines.some((l) =>
        /^Copied [\d,]+ files \([\d.]+ (KB|MB)\), pushed [\d,]+ files \([\d.]+ (KB|MB)\) in \d+\.\d s\.$/.test(
          l,
        ),
      ),
    ).toBe(true);
    // The bar is gone from the final screen: it was cleared before the summary.
    expect(setup.screen).not.toMatch(/\[[#-]{20}\]/);

    const clone = cloneRepo(writer);
    const pull = await onTerminal(clone, ["datastore", "sync", "--pull"]);
    expect(pull.screen).toContain("EXIT=0");
    const downloads = redraws(pull.raw).filter((d) => d.startsWith("downloading ["));
    expect(downloads.length).toBeGreaterThan(1);
    // Counts of the whole pull, bytes out of a known total, and the pace.
    expect(
      downloads.some((d) =>
        /[\d,]+\/2,\d{3} files · [\d.]+ (B|KB|MB)\/[\d.]+ (KB|MB) · [\d.,]+ files\/s · [\d.]+ (B|KB|MB)\/s/.test(
          d,
        ),
      ),
    ).toBe(true);
    expect(downloads.some((d) => /ETA \d+ (s|min)/.test(d))).toBe(true);
    const pullLines = pull.screen.split("\n").map((l) => l.trim());
    expect(pullLines).toContain("Pulling changes from remote...");
    expect(pullLines.some((l) => /^Pulled 2,\d{3} files \([\d.]+ (KB|MB)\) in \d+\.\d s\.$/.test(l))).toBe(
      true,
    );
    expect(pull.screen).not.toMatch(/\[[#-]{20}\]/);
  }, 300_000);

  test("without a terminal: the start line and the end line only; nothing with --json or -q; -v adds a line per phase", async () => {
    const writer = await repoWithFiles(server);
    const bucket = await server.createBucket();
    const setup = expectExit(
      await writer.run(server.setupArgs(bucket.name, { prefix: "p" }), { timeoutMs: 120_000 }),
      0,
    );
    expect(setup.stderr).not.toContain("\r");
    expect(setup.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^Setting up s3://${bucket.name}/p .*\\.\\.\\.$`)),
      expect.stringMatching(
        /^Copied [\d,]+ files \([\d.]+ (KB|MB)\), pushed [\d,]+ files \([\d.]+ (KB|MB)\) in \d+\.\d s\.$/,
      ),
    ]);

    const pull = expectExit(
      await cloneRepo(writer).run(["datastore", "sync", "--pull"], { timeoutMs: 120_000 }),
      0,
    );
    expect(pull.stderr).not.toContain("\r");
    const lines = pull.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      "Pulling changes from remote...",
      expect.stringMatching(/^Pulled 2,\d{3} files \([\d.]+ (KB|MB)\) in \d+\.\d s\.$/),
    ]);
    expect(pull.stdout).toContain("Pull complete");

    const silent = cloneRepo(writer);
    const json = expectExit(
      await silent.run(["datastore", "sync", "--pull", "--json"], { timeoutMs: 120_000 }),
      0,
    );
    expect(json.stderr).toBe("");
    expect(json.json<{ filesPulled: number }>().filesPulled).toBeGreaterThanOrEqual(FILES);
    // Up to date now: without -q this pull would still print its start and end lines.
    const quiet = expectExit(
      await silent.run(["-q", "datastore", "sync", "--pull"], { timeoutMs: 120_000 }),
      0,
    );
    expect(quiet.stderr).toBe("");
    expect(expectExit(await silent.run(["datastore", "sync", "--pull"]), 0).stderr).toMatch(
      /^Pulling changes from remote\.\.\.\nPulled 0 files \(0 B\) in \d+\.\d s\.\n$/,
    );

    const verbose = expectExit(
      await cloneRepo(writer).run(["-v", "datastore", "sync", "--pull"], { timeoutMs: 120_000 }),
      0,
    );
    expect(verbose.stderr).not.toContain("\r");
    expect(verbose.stderr).toMatch(/^ {2}downloading: [\d,]+\/2,\d{3} files/m);
    expect(verbose.stderr).toMatch(/^Pulled 2,\d{3} files \([\d.]+ (KB|MB)\) in \d+\.\d s\.$/m);
  }, 300_000);
});

describe("progress of moves on this disk", () => {
  test("setup filesystem and namespace migrate, without a terminal: a start line, then the summary with the elapsed time", async () => {
    const repo = await makeRepo();
    const files = join(repo.dir, ".swamp", "files");
    mkdirSync(files, { recursive: true });
    for (let i = 0; i < 20; i++) writeFileSync(join(files, `f${i}.txt`), "0123456789");
    const store = join(tempDir("store"), "datastore");
    const setup = expectExit(await repo.run(["datastore", "setup", "filesystem", "--path", store]), 0);
    expect(setup.stderr.trimEnd().split("\n")).toEqual([
      `Setting up the datastore at ${store}...`,
      expect.stringMatching(/^Copied 20 files \(200 B\) in \d+\.\d s\.$/),
    ]);

    expectExit(await repo.run(["datastore", "namespace", "set", "infra", "--json"]), 0);
    const moved = expectExit(await repo.run(["datastore", "namespace", "migrate", "--confirm"]), 0);
    expect(moved.stderr.trimEnd().split("\n")).toEqual([
      "Moving the data into namespace infra...",
      expect.stringMatching(/^Moved 20 files \(200 B\) in \d+\.\d s\.$/),
    ]);
    const json = expectExit(
      await repo.run(["datastore", "namespace", "migrate", "--reverse", "--confirm", "--json"]),
      0,
    );
    expect(json.stderr).toBe("");
  }, 60_000);
});

describe("waiting for a lease held by someone else", () => {
  /** bob@ci-7 holds the global lease of a folder datastore (another host: never taken over while live). */
  async function heldRepo(): Promise<{ repo: Repo; since: string }> {
    const repo = await makeRepo();
    const lease = writeLease(join(repo.dir, ".swamp", ".datastore.lock"));
    return { repo, since: new Date(lease.acquiredAt).toTimeString().slice(0, 8) };
  }
  const PUT = ["data", "put", "vpc", "main", "--model-type", "uat", "--value", '{"a":1}'];

  test("data put says once who holds it, since when and how long it waits, then times out with the usual error", async () => {
    const { repo, since } = await heldRepo();
    const r = await repo.run(PUT, { env: { SWAMP_LOCK_TIMEOUT_MS: "3000" } });
    expectExit(r, 75);
    const waiting = r.stderr.split("\n").filter((l) => l.startsWith("Waiting for"));
    expect(waiting).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Waiting for the datastore's global lease held by bob@ci-7 \\(pid 412\\) since ${since}; giving up in \\d s \\(SWAMP_LOCK_TIMEOUT_MS\\)\\.$`,
        ),
      ),
    ]);
    expect(r.stderr).toContain("Error:");
    expect(r.stderr).toContain("bob@ci-7");

    const json = await repo.run([...PUT, "--json"], { env: { SWAMP_LOCK_TIMEOUT_MS: "3000" } });
    expectExit(json, 75);
    expect(json.stderr).not.toContain("Waiting for");
    expect(json.errorJson().code).toBe("lock_timeout");
    const quiet = await repo.run(["-q", ...PUT], { env: { SWAMP_LOCK_TIMEOUT_MS: "3000" } });
    expectExit(quiet, 75);
    expect(quiet.stderr).not.toContain("Waiting for");
  }, 60_000);

  test("on a terminal the line shows while it waits, and the put goes on once the lease is released", async () => {
    const { repo, since } = await heldRepo();
    const tmux = await TmuxSession.start(`${shellQuote([SWAMP_BIN, ...PUT])}; echo "EXIT=$?"`, {
      cwd: repo.dir,
      env: { ...repo.env, SWAMP_LOCK_TIMEOUT_MS: "60000" },
    });
    const screen = await tmux.waitForText(
      [`held by bob@ci-7 (pid 412) since ${since}; giving up in`],
      30_000,
    );
    expect(screen).not.toContain("EXIT=");
    expectExit(await repo.run(["ds", "lock", "release", "--force"]), 0);
    const done = await tmux.waitForText([/EXIT=\d+/], 30_000);
    expect(done).toContain("EXIT=0");
    expect(done.match(/Waiting for/g)?.length).toBe(1);
    const got = expectExit(await repo.run(["data", "get", "vpc", "main", "--json"]), 0);
    expect(got.json<{ version: number }>().version).toBe(1);
  }, 90_000);
});
