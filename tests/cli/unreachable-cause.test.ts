import { describe, expect, test } from "bun:test";
import { unreachableCause } from "../../cli/remote-session.ts";
import { DeadlineExceeded } from "../../core/deadline.ts";
import { SwampError } from "../../core/errors.ts";

/** `outer`, caused by `inner`: how the engine wraps a store's failure. */
function wrapped(outer: string, inner: unknown): SwampError {
  const error = new SwampError("sync_failed", outer);
  error.cause = inner;
  return error;
}

describe("unreachableCause", () => {
  test("a refused connection: the innermost message, without the wrappers' chain", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9."), { code: "ECONNREFUSED" });
    const error = wrapped("Pull from s3://b failed: S3 GET _index/_meta.json failed: …", refused);
    expect(unreachableCause(error)).toBe("connect ECONNREFUSED 127.0.0.1:9");
  });

  test("a deadline that ran out: how long the read waited", () => {
    const deadline = new DeadlineExceeded({ ms: 10_000, what: "w", raise: "r", code: "store_unavailable" });
    expect(unreachableCause(wrapped("Pull from s3://b timed out after 10 s", deadline))).toBe(
      "no answer within 10 s",
    );
  });

  test("a failure that is not about reaching the store: null, so its own message (and fix) is kept", () => {
    const regressed = new SwampError("index_regressed", "The index … cannot be followed; run --republish.");
    expect(unreachableCause(regressed)).toBeNull();
    expect(
      unreachableCause(wrapped("Pull failed: EACCES", new Error("EACCES: permission denied"))),
    ).toBeNull();
  });
});
