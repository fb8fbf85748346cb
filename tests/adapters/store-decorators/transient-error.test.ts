import { describe, expect, test } from "bun:test";
import {
  isTimeout,
  isTransient,
  storeRequestFailed,
} from "../../../adapters/store-decorators/transient-error.ts";
import { causeChain, SwampError } from "../../../core/errors.ts";

const withCode = (code: string, name = "Error") => Object.assign(new Error(code), { code, name });

describe("isTransient", () => {
  test("server trouble and throttling are transient", () => {
    expect(isTransient({ $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransient({ $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isTransient({ code: 429 })).toBe(true);
    expect(isTransient({ status: 408 })).toBe(true);
    expect(isTransient({ response: { status: 502 } })).toBe(true);
  });

  test("answers that mean something are not", () => {
    for (const status of [400, 401, 403, 404, 409, 412]) {
      expect(isTransient({ $metadata: { httpStatusCode: status } })).toBe(false);
    }
    expect(isTransient(new Error("bad input"))).toBe(false);
    expect(isTransient(Object.assign(new Error("aborted"), { name: "AbortError" }))).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });

  test("timeouts, resets and refused connections are transient, also when wrapped", () => {
    expect(isTransient(withCode("ECONNRESET"))).toBe(true);
    expect(isTransient(withCode("ECONNREFUSED"))).toBe(true);
    expect(isTransient(Object.assign(new Error("slow"), { name: "TimeoutError" }))).toBe(true);
    // The GCS SDK's own request timeout.
    expect(isTransient(withCode("ETIMEDOUT", "AbortError"))).toBe(true);
    expect(isTransient(new Error("socket hang up"))).toBe(true);
    expect(isTransient(new Error("outer", { cause: withCode("EPIPE") }))).toBe(true);
  });

  test("isTimeout tells a timeout from other transport errors", () => {
    expect(isTimeout(withCode("ETIMEDOUT", "AbortError"))).toBe(true);
    expect(isTimeout(Object.assign(new Error("slow"), { name: "TimeoutError" }))).toBe(true);
    expect(isTimeout(withCode("ECONNRESET"))).toBe(false);
  });
});

describe("storeRequestFailed", () => {
  test("says what happened and what to do, keeps the request as context, the classification and the cause", () => {
    const cause = withCode("ECONNRESET");
    const plain = { reason: "Lost the connection to s3 (ECONNRESET)", hint: "Check the network." };
    const error = storeRequestFailed("s3://b/p", "S3 GET", "data/x", cause, plain);
    expect(error).toBeInstanceOf(SwampError);
    expect(error.code).toBe("store_unavailable");
    expect(error.message).toBe("Lost the connection to s3 (ECONNRESET). Check the network.");
    expect(causeChain(error)).toEqual(["S3 GET data/x on s3://b/p", "ECONNRESET"]);
    expect(error.details).toEqual({ store: "s3://b/p", operation: "S3 GET", key: "data/x", transient: true });
    expect(error.cause).toBe(cause);
    expect(isTransient(error)).toBe(true);
    const denied = storeRequestFailed(
      "s3://b",
      "S3 PUT",
      "k",
      { $metadata: { httpStatusCode: 403 } },
      { reason: "Denied", hint: "Fix it." },
    );
    expect(isTransient(denied)).toBe(false);
    expect(denied.details?.status).toBe(403);
  });
});
