import { describe, expect, test } from "bun:test";
import {
  bar,
  formatBytes,
  formatCount,
  formatElapsed,
  progressBarLine,
  progressLogLine,
  rateAndEta,
} from "../../../cli/progress/format.ts";

describe("progress formatting", () => {
  test("counts and bytes read as people write them", () => {
    expect(formatCount(2000)).toBe("2,000");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1500)).toBe("1.5 KB");
    expect(formatBytes(2_000_000)).toBe("2.0 MB");
    expect(formatBytes(999_999)).toBe("1.0 MB");
    expect(formatBytes(3_200_000_000)).toBe("3.2 GB");
  });

  test("elapsed time: tenths of a second under a minute, then minutes", () => {
    expect(formatElapsed(4100)).toBe("4.1 s");
    expect(formatElapsed(0)).toBe("0.0 s");
    expect(formatElapsed(125_000)).toBe("2 min");
  });

  test("the bar fills with the share done", () => {
    expect(bar(0, 10, 10)).toBe("[----------]");
    expect(bar(5, 10, 10)).toBe("[#####-----]");
    expect(bar(10, 10, 10)).toBe("[##########]");
    expect(bar(0, 0, 4)).toBe("[----]");
  });

  test("rate and ETA come from the pace so far, by bytes when their total is known", () => {
    expect(rateAndEta({ phase: "download", done: 0, total: 10, elapsedMs: 1000 })).toBeNull();
    expect(rateAndEta({ phase: "download", done: 5, total: 10, elapsedMs: 0 })).toBeNull();
    expect(rateAndEta({ phase: "download", done: 5, total: 20, elapsedMs: 2000 })).toEqual({
      perSecond: 2.5,
      etaMs: 6000,
    });
    expect(
      rateAndEta({ phase: "download", done: 5, total: 10, bytes: 1000, bytesTotal: 4000, elapsedMs: 1000 }),
    ).toEqual({ perSecond: 5, bytesPerSecond: 1000, etaMs: 3000 });
  });

  test("the terminal line shows phase, bar, counts, bytes, rate and ETA, and never wraps", () => {
    const view = {
      phase: "download" as const,
      done: 1000,
      total: 2000,
      bytes: 1_000_000,
      bytesTotal: 2_000_000,
      elapsedMs: 2000,
    };
    expect(progressBarLine(view, 200)).toBe(
      "downloading [##########----------] 50% 1,000/2,000 files · 1.0 MB/2.0 MB · 500 files/s · 500.0 KB/s · ETA 2 s",
    );
    const narrow = progressBarLine(view, 40);
    expect(narrow.length).toBe(39);
    expect(narrow.startsWith("downloading [")).toBe(true);
  });

  test("a finished phase has no ETA; unknown bytes are left out", () => {
    expect(progressLogLine({ phase: "upload", done: 3, total: 3, elapsedMs: 1000 })).toBe(
      "  uploading: 3/3 files · 3.0 files/s",
    );
  });
});
