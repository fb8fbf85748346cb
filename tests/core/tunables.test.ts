import { describe, expect, test } from "bun:test";
import { remoteOf } from "../../core/backends/registry.ts";
import { SwampError } from "../../core/errors.ts";
import {
  lockTimeoutMs,
  lookDeadline,
  parseTimeoutFlag,
  pullConcurrency,
  pushConcurrency,
  requestTimeoutMs,
  syncDeadline,
} from "../../core/tunables.ts";

describe("lockTimeoutMs", () => {
  test("default 60 s", () => {
    expect(lockTimeoutMs({})).toBe(60_000);
  });
  test("SWAMP_LOCK_TIMEOUT_MS wins over config when it is a positive integer", () => {
    expect(lockTimeoutMs({ SWAMP_LOCK_TIMEOUT_MS: "5000" }, { lockTimeoutMs: 9000 })).toBe(5000);
    expect(lockTimeoutMs({}, { lockTimeoutMs: 9000 })).toBe(9000);
  });
  test.each(["", "0", "-5", "abc", "1.5", "1e3", " "])("bad env value %p is ignored", (value) => {
    expect(lockTimeoutMs({ SWAMP_LOCK_TIMEOUT_MS: value })).toBe(60_000);
    expect(lockTimeoutMs({ SWAMP_LOCK_TIMEOUT_MS: value }, { lockTimeoutMs: 7000 })).toBe(7000);
  });
});

describe("syncDeadline", () => {
  test("source order: flag > config > env > default", () => {
    const env = { SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "900000" };
    expect(syncDeadline("10", { syncTimeoutMs: 5000 }, env).ms).toBe(10_000);
    expect(syncDeadline(undefined, { syncTimeoutMs: 5000 }, env).ms).toBe(5000);
    expect(syncDeadline(undefined, {}, env).ms).toBe(900_000);
    expect(syncDeadline(undefined, {}, {}).ms).toBe(300_000);
    expect(syncDeadline(undefined).ms).toBe(300_000);
  });
  test("the env value is uncapped and bad env values are ignored", () => {
    expect(syncDeadline(undefined, {}, { SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "86400000" }).ms).toBe(86_400_000);
    expect(syncDeadline(undefined, {}, { SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "soon" }).ms).toBe(300_000);
  });
  test("numeric flags work too, up to 6 hours", () => {
    expect(syncDeadline(21_600).ms).toBe(21_600_000);
  });
  test("names the setting that set it, since raising a lower one changes nothing", () => {
    const env = { SWAMP_DATASTORE_SYNC_TIMEOUT_MS: "900000" };
    expect(syncDeadline("10", { syncTimeoutMs: 5000 }, env).raise).toBe("--timeout <seconds>");
    expect(syncDeadline(undefined, { syncTimeoutMs: 5000 }, env).raise).toBe(
      "datastore.syncTimeoutMs in .swamp.yaml",
    );
    expect(syncDeadline(undefined, {}, env)).toEqual({
      ms: 900_000,
      what: "the sync deadline",
      raise: "SWAMP_DATASTORE_SYNC_TIMEOUT_MS",
      code: "sync_failed",
    });
    expect(syncDeadline(undefined).raise).toStartWith("SWAMP_DATASTORE_SYNC_TIMEOUT_MS (or --timeout");
  });
});

describe("lookDeadline", () => {
  test("10 s unless --timeout says otherwise; names the flag", () => {
    expect(lookDeadline(undefined, "swamp datastore status")).toEqual({
      ms: 10_000,
      what: "the status deadline",
      raise: "'swamp datastore status --timeout <seconds>'",
      code: "store_unavailable",
    });
    expect(lookDeadline("3", "swamp datastore lock status").ms).toBe(3000);
    expect(lookDeadline(undefined, "swamp datastore status", 3_000).ms).toBe(3000);
    expect(lookDeadline("7", "swamp datastore status", 3_000).ms).toBe(7000);
  });
  test("validated like the other --timeout flags, without pointing at the sync env var", () => {
    expect(() => lookDeadline("0", "swamp datastore status")).toThrow(
      "--timeout must be greater than 0; got 0.",
    );
    expect(() => lookDeadline("2.5", "swamp datastore status")).toThrow(
      "--timeout must be a positive integer (seconds)",
    );
    expect(() => lookDeadline("21601", "swamp datastore status")).toThrow(
      /^--timeout must be at most 21600 seconds \(6 hours\); got 21601\.$/,
    );
  });
});

describe("parseTimeoutFlag", () => {
  const messageOf = (flag: string | number) => {
    try {
      parseTimeoutFlag(flag);
    } catch (e) {
      expect(e).toBeInstanceOf(SwampError);
      expect((e as SwampError).code).toBe("usage");
      return (e as SwampError).message;
    }
    throw new Error("expected a throw");
  };
  test.each(["abc", "1.5", "", "10s", 2.5])("non-integer %p", (flag) => {
    expect(messageOf(flag)).toBe(
      `--timeout must be a positive integer (seconds); got ${flag}. Example: --timeout 600.`,
    );
  });
  test.each(["0", "-3", 0])("not positive %p", (flag) => {
    expect(messageOf(flag)).toBe(`--timeout must be greater than 0; got ${flag}.`);
  });
  test("more than 6 hours points at the env var", () => {
    expect(messageOf("21601")).toBe(
      "--timeout must be at most 21600 seconds (6 hours); got 21601. For higher values, set the SWAMP_DATASTORE_SYNC_TIMEOUT_MS env var instead.",
    );
  });
  test("valid values", () => {
    expect(parseTimeoutFlag("1")).toBe(1);
    expect(parseTimeoutFlag(" 600 ")).toBe(600);
  });
});

describe("remote tunables", () => {
  test("request timeout: env > config > 30 s, per backend", () => {
    // Through each backend's descriptor: its own variable.
    const timeout = (
      env: Record<string, string>,
      kind: "s3" | "gcs",
      config: { requestTimeoutMs?: number } = {},
    ) => remoteOf({ kind, bucket: "bucket", ...config }, env)?.tunables.requestTimeoutMs;
    expect(timeout({}, "s3")).toBe(30_000);
    expect(timeout({}, "s3", { requestTimeoutMs: 2000 })).toBe(2000);
    expect(timeout({ SWAMP_S3_REQUEST_TIMEOUT_MS: "4000" }, "s3", { requestTimeoutMs: 2000 })).toBe(4000);
    expect(timeout({ SWAMP_S3_REQUEST_TIMEOUT_MS: "4000" }, "gcs")).toBe(30_000);
    expect(timeout({ SWAMP_GCS_REQUEST_TIMEOUT_MS: "5000" }, "gcs")).toBe(5000);
    expect(timeout({ SWAMP_GCS_REQUEST_TIMEOUT_MS: "x" }, "gcs")).toBe(30_000);
    expect(requestTimeoutMs({ V: "7000" }, "V", { requestTimeoutMs: 2000 })).toBe(7000);
    expect(requestTimeoutMs({ V: "0" }, "V", { requestTimeoutMs: 2000 })).toBe(2000);
  });
  test("concurrency through the descriptors: config > 50 / 25", () => {
    expect(remoteOf({ kind: "gcs", bucket: "bucket" }, {})?.tunables).toEqual({
      requestTimeoutMs: 30_000,
      pullConcurrency: 50,
      pushConcurrency: 25,
    });
    expect(
      remoteOf({ kind: "s3", bucket: "bucket", pullConcurrency: 3, pushConcurrency: 4 }, {})?.tunables,
    ).toEqual({
      requestTimeoutMs: 30_000,
      pullConcurrency: 3,
      pushConcurrency: 4,
    });
    expect(remoteOf({ kind: "filesystem", path: "/x" }, {})).toBeNull();
  });
  test("concurrency defaults 50 / 25", () => {
    expect(pullConcurrency()).toBe(50);
    expect(pushConcurrency()).toBe(25);
    expect(pullConcurrency({ pullConcurrency: 3 })).toBe(3);
    expect(pushConcurrency({ pushConcurrency: 4 })).toBe(4);
  });
});
