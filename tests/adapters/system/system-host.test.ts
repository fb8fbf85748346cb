import { describe, expect, test } from "bun:test";
import { systemHost } from "../../../adapters/system/system-host.ts";

describe("systemHost", () => {
  test("describes this process", () => {
    const host = systemHost();
    expect(host.pid).toBe(process.pid);
    expect(host.hostname.length).toBeGreaterThan(0);
    expect(host.user.length).toBeGreaterThan(0);
    expect(host.uuid()).toMatch(/^[0-9a-f-]{36}$/);
    expect(host.uuid()).not.toBe(host.uuid());
  });

  test("isPidAlive: this process yes, an exited child no, nonsense no", async () => {
    const host = systemHost();
    expect(host.isPidAlive(process.pid)).toBe(true);
    const child = Bun.spawn([process.execPath, "-e", "0"]);
    await child.exited;
    expect(host.isPidAlive(child.pid)).toBe(false);
    expect(host.isPidAlive(0)).toBe(false);
    expect(host.isPidAlive(-1)).toBe(false);
  });
});
