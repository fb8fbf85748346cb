import { describe, expect, test } from "bun:test";
import { isStaleTemp, isTempName, TEMP_GRACE_MS } from "../../core/temp-files.ts";

describe("temp files", () => {
  test("swamp's temp names: a hidden uuid, or a file's name and a uuid, then .tmp", () => {
    const uuid = "0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";
    for (const name of [`.${uuid}.tmp`, `state.json.${uuid}.tmp`, `.case-probe-${uuid}.tmp`]) {
      expect(isTempName(name)).toBe(true);
    }
    // Data names may end in .tmp: only a uuid before it marks one of ours.
    for (const name of ["notes.tmp", ".dead.tmp", `${uuid}.tmp.bak`, `.${uuid}`, "latest", `x${uuid}.tmp`]) {
      expect(isTempName(name)).toBe(false);
    }
  });

  test("a temp is a leftover only once it is older than the grace period", () => {
    const now = 10 * TEMP_GRACE_MS;
    expect(isStaleTemp(now - TEMP_GRACE_MS - 1, now)).toBe(true);
    expect(isStaleTemp(now - TEMP_GRACE_MS, now)).toBe(false);
    expect(isStaleTemp(now + 5_000, now)).toBe(false);
  });
});
