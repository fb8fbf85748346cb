import { describe, expect, test } from "bun:test";
import { progressMode, TransferReport } from "../../../cli/progress/transfer-report.ts";

function fakeTerminal(tty: boolean) {
  const clock = { t: 1_000_000 };
  const written: string[] = [];
  return {
    clock,
    written,
    terminal: { tty, columns: 120, write: (text: string) => written.push(text), now: () => clock.t },
  };
}

describe("progressMode", () => {
  test("a bar on a terminal, lines without, log lines with -v, nothing with --json or -q", () => {
    const plain = { json: false, quiet: false, verbose: false };
    expect(progressMode(plain, true)).toBe("bar");
    expect(progressMode(plain, false)).toBe("lines");
    expect(progressMode({ ...plain, verbose: true }, false)).toBe("log");
    expect(progressMode({ ...plain, json: true }, true)).toBe("off");
    expect(progressMode({ ...plain, quiet: true }, true)).toBe("off");
  });
});

describe("TransferReport", () => {
  test("on a terminal, the bar is redrawn in place at most every 100 ms, then cleared for the summary", () => {
    const { clock, written, terminal } = fakeTerminal(true);
    const report = new TransferReport("bar", terminal);
    report.start("Pulling changes from remote...");
    for (let done = 1; done <= 10; done++) {
      clock.t += 30;
      report.onProgress({ phase: "download", done, total: 10, bytes: done * 100, bytesTotal: 1000 });
    }
    clock.t += 700;
    report.finish("Pulled 10 files (1.0 KB)");
    expect(written[0]).toBe("Pulling changes from remote...\n");
    const draws = written.filter((w) => w.startsWith("\r\x1b[K") && w.length > 4);
    // The first (30 ms), then one every 100 ms at most (150, 270 ms); the finished phase takes the bar away.
    expect(draws.length).toBe(3);
    expect(draws[0]).toContain("1/10 files · 100 B/1.0 KB");
    expect(draws.at(-1)).toContain("9/10 files · 900 B/1.0 KB");
    expect(written.at(-2)).toBe("\r\x1b[K");
    expect(written.filter((w) => w === "\r\x1b[K").length).toBe(1);
    expect(written.at(-1)).toBe("Pulled 10 files (1.0 KB) in 1.0 s.\n");
    expect(report.bytes("download")).toBe(1000);
  });

  test("without a terminal: the start line and the end line, nothing between", () => {
    const { clock, written, terminal } = fakeTerminal(false);
    const report = new TransferReport("lines", terminal);
    report.start("Pushing local changes to remote...");
    for (let done = 1; done <= 3; done++) {
      clock.t += 4000;
      report.onProgress({ phase: "upload", done, total: 3, bytes: done * 10 });
    }
    report.finish("Pushed 3 files (30 B)");
    expect(written).toEqual(["Pushing local changes to remote...\n", "Pushed 3 files (30 B) in 12.0 s.\n"]);
  });

  test("-v without a terminal: a line when a phase starts, then every 5 s", () => {
    const { clock, written, terminal } = fakeTerminal(false);
    const report = new TransferReport("log", terminal);
    for (let done = 1; done <= 4; done++) {
      clock.t += 3000;
      report.onProgress({ phase: "upload", done, total: 4 });
    }
    expect(written).toEqual(["  uploading: 1/4 files\n", "  uploading: 3/4 files · 0.5 files/s · ETA 2 s\n"]);
  });

  test("bytes add up over runs of a phase; --json and -q print nothing", () => {
    const { written, terminal } = fakeTerminal(true);
    const report = new TransferReport("off", terminal);
    report.start("Pulling changes from remote...");
    report.onProgress({ phase: "download", done: 1, total: 2, bytes: 5 });
    report.onProgress({ phase: "download", done: 2, total: 2, bytes: 12 });
    report.onProgress({ phase: "download", done: 1, total: 1, bytes: 100 });
    report.finish("Pulled 3 files");
    expect(report.bytes("download")).toBe(112);
    expect(written).toEqual([]);
  });
});
