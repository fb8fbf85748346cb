import { describe, expect, test } from "bun:test";
import { because, causeChain, failedWhile, SwampError } from "../../core/errors.ts";

const sdk = () => Object.assign(new Error("The specified bucket does not exist."), { name: "NoSuchBucket" });
const missingBucket = () =>
  because("store_unavailable", 'Bucket "b" does not exist', "Create it.", {
    context: "S3 GET _index/_meta.json on s3://b",
    cause: sdk(),
  });

describe("error messages", () => {
  test("because says what happened, then what to do", () => {
    const error = missingBucket();
    expect(error.message).toBe('Bucket "b" does not exist. Create it.');
    expect(causeChain(error)).toEqual([
      "S3 GET _index/_meta.json on s3://b",
      "NoSuchBucket: The specified bucket does not exist.",
    ]);
  });

  test("wrapping keeps the root cause's words and no 'failed:' chain; the steps go to the cause chain", () => {
    const inner = failedWhile("store_unavailable", "gave up after 3 attempts", missingBucket());
    const outer = failedWhile("sync_failed", "pull from s3://b", inner);
    expect(outer.message).toBe('Bucket "b" does not exist. Create it.');
    expect(outer.code).toBe("sync_failed");
    expect(causeChain(outer)).toEqual([
      "pull from s3://b",
      "gave up after 3 attempts",
      "S3 GET _index/_meta.json on s3://b",
      "NoSuchBucket: The specified bucket does not exist.",
    ]);
  });

  test("the outer step's hint wins when it gives one", () => {
    const outer = failedWhile("sync_failed", "push to s3://b", missingBucket(), "Your changes are kept.");
    expect(outer.message).toBe('Bucket "b" does not exist. Your changes are kept.');
  });

  test("an error of ours without plain words keeps its message; a foreign one gives its words", () => {
    const ours = new SwampError(
      "index_regressed",
      "The index went back. Run 'swamp datastore sync --republish'.",
    );
    expect(failedWhile("sync_failed", "pull", ours, "Retry.").message).toBe(ours.message);
    const foreign = failedWhile("sync_failed", "pull", new Error("EACCES: permission denied."), "Fix it.");
    expect(foreign.message).toBe("EACCES: permission denied. Fix it.");
    expect(causeChain(foreign)).toEqual(["pull", "EACCES: permission denied."]);
  });

  test("an error with no cause has no chain", () => {
    expect(causeChain(new SwampError("usage", "Bad."))).toEqual([]);
    expect(causeChain("text")).toEqual([]);
  });
});
