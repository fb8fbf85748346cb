import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterThisTest } from "./cleanup.ts";
import type { Env } from "./swamp.ts";
import { tempDir } from "./swamp.ts";
import { waitUntil } from "./wait.ts";

export interface TmuxOptions {
  cwd: string;
  /** The whole environment of the terminal (PATH is added). */
  env: Env;
  width?: number;
  height?: number;
}

const COMMAND_TIMEOUT_MS = 5_000;

/**
 * A real terminal: one detached tmux session on a private server (its own socket and an empty
 * config), so tests never touch the user's tmux. The pane stays after its command ends, so the
 * last screen can still be read. Killed after the test at the latest.
 */
export class TmuxSession {
  private killed = false;

  private constructor(
    private readonly socket: string,
    private readonly name: string,
  ) {}

  static async start(command: string, options: TmuxOptions): Promise<TmuxSession> {
    if (!Bun.which("tmux"))
      throw new Error("tmux is not installed: the TUI test needs it (apt-get install tmux)");
    const dir = tempDir("tmux");
    const config = join(dir, "tmux.conf");
    writeFileSync(config, "set -g remain-on-exit on\nset -g default-shell /bin/sh\nset -g status off\n");
    const session = new TmuxSession(join(dir, "sock"), "uat");
    afterThisTest(() => session.kill());
    const env = {
      TERM: "xterm-256color",
      SHELL: "/bin/sh",
      NO_COLOR: "1",
      PATH: process.env.PATH,
      ...options.env,
    };
    await session.tmux(
      [
        "-f",
        config,
        "new-session",
        "-d",
        "-s",
        session.name,
        "-x",
        String(options.width ?? 120),
        "-y",
        String(options.height ?? 30),
        "-c",
        options.cwd,
        command,
      ],
      env,
    );
    return session;
  }

  /**
   * The screen and its scrollback, one line per row. The scrollback matters: when the pane's
   * command ends, tmux prints "Pane is dead" at the bottom, which can scroll the last output away.
   */
  capture(): Promise<string> {
    return this.tmux(["capture-pane", "-p", "-S", "-", "-t", this.name]);
  }

  /** The visible screen only, one line per row: what a person sees now, without earlier frames. */
  screen(): Promise<string> {
    return this.tmux(["capture-pane", "-p", "-t", this.name]);
  }

  /** Polls the visible screen until `probe` accepts it; returns that screen. */
  waitForScreen(probe: (screen: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    let last = "";
    return waitUntil(
      async () => {
        last = await this.screen();
        return probe(last) ? last : undefined;
      },
      { what: `the terminal to show ${what}`, timeoutMs, intervalMs: 150 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- last screen\n${last}`);
    });
  }

  /** From now on, appends every byte the pane's program writes (`\r` and escape sequences too) to `file`. */
  async pipeTo(file: string): Promise<void> {
    await this.tmux(["pipe-pane", "-o", "-t", this.name, `cat >> '${file}'`]);
  }

  /** tmux key names (`q`, `Enter`, `C-c`) or literal text. */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux(["send-keys", "-t", this.name, ...keys]);
  }

  /** Polls the screen until it shows every one of `texts`; returns that screen. */
  waitForText(texts: (string | RegExp)[], timeoutMs = 10_000): Promise<string> {
    let last = "";
    return waitUntil(
      async () => {
        last = await this.capture();
        return texts.every((t) => (typeof t === "string" ? last.includes(t) : t.test(last)))
          ? last
          : undefined;
      },
      { what: `the terminal to show ${texts.map(String).join(", ")}`, timeoutMs, intervalMs: 150 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- last screen\n${last}`);
    });
  }

  async kill(): Promise<void> {
    if (this.killed) return;
    this.killed = true;
    await this.tmux(["kill-server"]).catch(() => undefined);
  }

  private async tmux(args: string[], env?: Env): Promise<string> {
    const proc = Bun.spawn(["tmux", "-S", this.socket, ...args], {
      env: env === undefined ? undefined : definedOnly(env),
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    clearTimeout(timer);
    if (code !== 0) throw new Error(`tmux ${args.join(" ")} exited ${code}: ${err.trim()}`);
    return out;
  }
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
