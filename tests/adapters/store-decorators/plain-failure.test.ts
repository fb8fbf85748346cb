import { describe, expect, test } from "bun:test";
import { plainFailure, type StoreSite } from "../../../adapters/store-decorators/plain-failure.ts";

const site: StoreSite = {
  kind: "s3",
  bucket: "acc-x",
  endpoint: "http://127.0.0.1:9",
  timeoutMs: 3000,
  timeoutVariable: "SWAMP_S3_REQUEST_TIMEOUT_MS",
  credentialsCheck: "`aws sts get-caller-identity`",
  bucketMissing: (error) => (error as Error).name === "NoSuchBucket",
};
const error = (fields: Record<string, unknown>, message = "boom") =>
  Object.assign(new Error(message), fields);

describe("plainFailure", () => {
  test("names the root cause in plain words, with what to do", () => {
    const cases: [unknown, string, string][] = [
      [
        error({ name: "NoSuchBucket" }),
        'Bucket "acc-x" does not exist',
        "swamp datastore setup s3 --bucket NAME",
      ],
      [
        error({ code: "ECONNREFUSED" }),
        "Cannot reach http://127.0.0.1:9 (connection refused)",
        "swamp datastore status",
      ],
      [
        error({ code: "ConnectionRefused" }),
        "Cannot reach http://127.0.0.1:9 (connection refused)",
        "reachable",
      ],
      [error({ code: "ENOTFOUND" }), "Cannot find the host of http://127.0.0.1:9 (DNS lookup failed)", "DNS"],
      [error({ name: "TimeoutError" }), "did not answer within 3000 ms", "SWAMP_S3_REQUEST_TIMEOUT_MS"],
      [
        error({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } }, "Access Denied."),
        'Access to bucket "acc-x" was denied (AccessDenied: Access Denied)',
        "aws sts get-caller-identity",
      ],
      [error({ code: "ECONNRESET" }), "Lost the connection to http://127.0.0.1:9 (ECONNRESET)", "reachable"],
      [
        error({ name: "InternalError", $metadata: { httpStatusCode: 500 } }, "oops"),
        "The server at http://127.0.0.1:9 answered 500 (InternalError: oops)",
        "swamp datastore status",
      ],
    ];
    for (const [failure, reason, hint] of cases) {
      const plain = plainFailure(failure, site);
      expect(plain.reason).toContain(reason);
      expect(plain.hint).toContain(hint);
      expect(plain.reason).not.toContain("failed:");
    }
  });
});
