import { describe, expect, test } from "bun:test";
import { formatDuration } from "../../core/duration-text.ts";

describe("formatDuration", () => {
  test("seconds, then minutes, then hours and minutes; never negative", () => {
    expect(formatDuration(42_400)).toBe("42 s");
    expect(formatDuration(7 * 60_000 + 5_000)).toBe("7 min");
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe("3 h 5 min");
    expect(formatDuration(-5_000)).toBe("0 s");
  });
});
