import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import type { RepoInitDoc, StatusDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, makeSandbox, PROJECT_ROOT, run, SWAMP_BIN, tempDir } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

/** `swamp version --json`. */
interface VersionDoc {
  version: string;
  commit: string;
  builtAt: string;
  platform: string;
}

describe("repo discovery walks up from the current directory", () => {
  test("a command run from a subdirectory of a repo works on that repo", async () => {
    const repo = await makeRepo();
    const deep = join(repo.dir, "models", "deep", "er");
    mkdirSync(deep, { recursive: true });
    const put = ["data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1"];
    expectExit(await repo.run(put, { cwd: deep }), 0);
    const list = expectExit(await repo.run(["data", "list", "vpc", "--json"], { cwd: deep }), 0);
    expect(list.stdout).toContain('"main"');
    expect(existsSync(join(repo.dir, ".swamp", "data", "vpc"))).toBe(true);
    expect(existsSync(join(deep, ".swamp"))).toBe(false);
  });

  test("outside any repo, the error names where it looked and says where to run repo init", async () => {
    const dir = join(tempDir("norepo"), "a", "b");
    mkdirSync(dir, { recursive: true });
    const r = expectExit(await run(["data", "list", "vpc"], { cwd: dir, env: makeSandbox().env }), 1);
    expect(r.stderr).toContain(`No swamp repository in ${dir} or any directory above it`);
    expect(r.stderr).toContain("Run 'swamp repo init' in the directory the repository should live in");
  });

  test("--repo-dir still wins over the repo above the current directory", async () => {
    const outer = await makeRepo();
    const other = await makeRepo();
    const inside = join(outer.dir, "sub");
    mkdirSync(inside);
    const put = [
      "--repo-dir",
      other.dir,
      "data",
      "put",
      "vpc",
      "main",
      "--model-type",
      "vpc",
      "--value",
      "1",
    ];
    expectExit(await outer.run(put, { cwd: inside }), 0);
    expect(existsSync(join(other.dir, ".swamp", "data", "vpc"))).toBe(true);
    expect(existsSync(join(outer.dir, ".swamp", "data", "vpc"))).toBe(false);
  });

  test("repo init in a subdirectory of a repo makes a new repo there, not above", async () => {
    const outer = await makeRepo();
    const sub = join(outer.dir, "nested");
    mkdirSync(sub);
    const init = expectExit(await outer.run(["repo", "init", "--json"], { cwd: sub }), 0).json<RepoInitDoc>();
    expect(init).toMatchObject({ repoDir: sub, created: true });
    expect(init.repoId).not.toBe(outer.repoId);
    expect(existsSync(join(sub, ".swamp.yaml"))).toBe(true);
  });
});

describe("swamp version", () => {
  test("--json says the version, the commit and date it was built, and the platform", async () => {
    const doc = expectExit(await run(["version", "--json"]), 0).json<VersionDoc>();
    expect(Object.keys(doc).sort()).toEqual(["builtAt", "commit", "platform", "version"]);
    const pkg = (await Bun.file(join(PROJECT_ROOT, "package.json")).json()) as { version: string };
    expect(doc.version).toBe(pkg.version);
    expect(doc.commit).toMatch(/^([0-9a-f]{7,40}(-dirty)?|unknown)$/);
    expect(doc.builtAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(doc.platform).toBe(`${process.platform}-${process.arch}`);
    const text = expectExit(await run(["version"]), 0).stdout;
    expect(text).toBe(`swamp ${doc.version} (commit ${doc.commit}, built ${doc.builtAt}, ${doc.platform})\n`);
    expect(expectExit(await run(["--version"]), 0).stdout).toBe(`${doc.version}\n`);
  });
});

describe("help", () => {
  test("`swamp help data put` shows that command's help, with its examples and the global flags", async () => {
    const r = expectExit(await run(["help", "data", "put"]), 0);
    expect(r.stdout).toContain("Usage: swamp data put [options]");
    expect(r.stdout).toContain("--model-type");
    expect(r.stdout).toContain("Global Options:");
    expect(r.stdout).toContain("--repo-dir <dir>");
    expect(r.stdout).toContain("$ swamp data put vpc main");
  });

  test("a group's help has examples", async () => {
    const r = expectExit(await run(["ds", "lock", "--help"]), 0);
    expect(r.stdout).toContain("Examples:\n  $ swamp ds lock status");
  });

  test("help for an unknown command is a usage error", async () => {
    const r = expectExit(await run(["help", "data", "nosuch"]), 2);
    expect(r.stderr).toContain("nosuch");
  });
});

describe("swamp completion", () => {
  const bin = dirname(SWAMP_BIN);

  test("bash: sourced in a bash, TAB completes `swamp data q` to `swamp data query`", async () => {
    const dir = tempDir("completion");
    const { env } = makeSandbox();
    const term = await TmuxSession.start("bash --norc --noprofile", {
      cwd: dir,
      env: { ...env, PATH: `${bin}:${process.env.PATH}`, PS1: "$ " },
    });
    await term.sendKeys("source <(swamp completion bash); complete -p swamp", "Enter");
    await term.waitForText(["complete -o default -F _swamp swamp"]);
    await term.sendKeys("swamp data q", "Tab");
    // bash adds a space after the only candidate; tmux drops trailing spaces from the screen.
    await term.waitForText([/\$ swamp data query$/m]);
    await term.sendKeys(" --li", "Tab");
    await term.waitForText([/\$ swamp data query +--limit$/m]);
  });

  test("bash: compgen-style calls see commands, options and choices", async () => {
    const { env } = makeSandbox();
    const script = expectExit(await run(["completion", "bash"]), 0).stdout;
    const ask = async (words: string[]) => {
      const proc = Bun.spawn(
        [
          "bash",
          "--norc",
          "--noprofile",
          "-c",
          `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _swamp; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { env: { ...env, PATH: `${bin}:${process.env.PATH}` }, stdout: "pipe", stderr: "pipe" },
      );
      const [out] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
      return out.trim().split("\n");
    };
    expect(await ask(["swamp", "ds", "lock", ""])).toEqual(["status", "release"]);
    expect(await ask(["swamp", "data", "put", "--model-t"])).toEqual(["--model-type"]);
    expect(await ask(["swamp", "completion", "f"])).toEqual(["fish"]);
  });

  test("zsh and fish scripts ask swamp at TAB time; an unknown shell is a usage error", async () => {
    for (const shell of ["zsh", "fish"]) {
      const doc = expectExit(await run(["completion", shell, "--json"]), 0).json<{
        shell: string;
        script: string;
      }>();
      expect(doc.shell).toBe(shell);
      expect(doc.script).toContain("swamp __complete");
    }
    const r = expectExit(await run(["completion", "tcsh"]), 2);
    expect(r.stderr).toContain("bash, zsh, fish");
  });
});

describe("exit codes", () => {
  test("an option value that does not parse is a usage error (exit 2) on every command, with its message", async () => {
    const repo = await makeRepo();
    const put = ["data", "put", "vpc", "main", "--model-type", "vpc", "--value", "1"];
    const cases: [string[], string][] = [
      [["ds", "status", "--timeout", "abc"], "--timeout must be a positive integer (seconds); got abc."],
      [["ds", "sync", "--timeout", "0"], "--timeout must be greater than 0; got 0."],
      [["ds", "lock", "status", "--timeout", "1.5"], "--timeout must be a positive integer"],
      [["doctor", "--timeout", "abc"], "--timeout must be a positive integer"],
      [["data", "query", "true", "--limit", "abc"], '--limit must be a positive whole number; got "abc".'],
      [["data", "get", "vpc", "main", "--version", "x"], "--version must be a positive whole number"],
      [[...put, "--lifetime", "soon"], 'Invalid lifetime "soon"'],
      [[...put, "--gc", "many"], 'Invalid garbage-collection policy "many"'],
      [["ds", "setup", "extension", "@swamp/s3-datastore", "--config", "{"], "Invalid JSON in --config"],
    ];
    for (const [args, message] of cases) {
      const r = expectExit(await repo.run([...args, "--json"]), 2);
      expect({ args, error: r.errorJson() }).toMatchObject({
        args,
        error: { code: "usage", error: expect.stringContaining(message) },
      });
    }
  });

  test("ds status --once and --json exit 1 when the store is unhealthy, 0 when healthy", async () => {
    const repo = await makeRepo();
    expect(expectExit(await repo.run(["ds", "status", "--json"]), 0).json<StatusDoc>().healthy).toBe(true);
    const external = join(repo.home, "external");
    expectExit(await repo.run(["ds", "setup", "filesystem", "--path", external]), 0);
    rmSync(external, { recursive: true });
    const doc = expectExit(await repo.run(["ds", "status", "--json"]), 1).json<StatusDoc>();
    expect(doc).toMatchObject({ healthy: false, message: expect.stringContaining(external) });
    expect(expectExit(await repo.run(["ds", "status", "--once"]), 1).stdout).toContain("unhealthy");
  });
});
