import { describe, expect, test } from "bun:test";
import { resolveS3, type S3Location } from "../../../adapters/s3/s3-lean-client.ts";
import { isolateAwsEnv } from "../../support/aws-env.ts";

const CREDENTIALS = { accessKeyId: "AKIATEST", secretAccessKey: "secret" };
// The region may come from the environment: only what a test sets is there.
isolateAwsEnv();

async function where(location: Omit<S3Location, "credentials">): Promise<[string, string]> {
  const { target } = await resolveS3({ ...location, credentials: CREDENTIALS });
  return [target.base.href, target.signingRegion];
}

describe("resolveS3: the bucket's endpoint as the SDK resolves it", () => {
  test("a custom endpoint, path style (MinIO, moto): the bucket is the path's first segment; us-east-1 by default", async () => {
    expect(await where({ bucket: "bkt", endpoint: "http://127.0.0.1:9000", forcePathStyle: true })).toEqual([
      "http://127.0.0.1:9000/bkt",
      "us-east-1",
    ]);
  });

  test("a custom endpoint, virtual-hosted: the bucket is in the host name; the region given signs", async () => {
    expect(
      await where({ bucket: "bkt", endpoint: "https://minio.example:9000", region: "eu-west-3" }),
    ).toEqual(["https://bkt.minio.example:9000/", "eu-west-3"]);
  });

  test("AWS: virtual-hosted in the region's endpoint; path style when asked or when the name has dots", async () => {
    expect(await where({ bucket: "bkt", region: "eu-west-1" })).toEqual([
      "https://bkt.s3.eu-west-1.amazonaws.com/",
      "eu-west-1",
    ]);
    expect(await where({ bucket: "bkt", region: "eu-west-1", forcePathStyle: true })).toEqual([
      "https://s3.eu-west-1.amazonaws.com/bkt",
      "eu-west-1",
    ]);
    expect(await where({ bucket: "my.bkt", region: "cn-north-1" })).toEqual([
      "https://s3.cn-north-1.amazonaws.com.cn/my.bkt",
      "cn-north-1",
    ]);
  });

  test("AWS without a region in the config: the environment's (AWS_REGION)", async () => {
    process.env.AWS_REGION = "ap-southeast-2";
    expect(await where({ bucket: "bkt" })).toEqual([
      "https://bkt.s3.ap-southeast-2.amazonaws.com/",
      "ap-southeast-2",
    ]);
  });
});
