import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3ObjectStore } from "../../../adapters/s3/s3-object-store.ts";
import { isolateAwsEnv } from "../../support/aws-env.ts";
import { motoBucketFixture } from "../../support/s3-fixture.ts";
import { type SigV4CheckingProxy, startSigV4CheckingProxy } from "../../support/sigv4-checking-proxy.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

setDefaultTimeout(30_000);

const s3 = motoBucketFixture();
const SECRETS = {
  AKIAFROMENVIRONMENT: "secret-of-the-environment",
  AKIAFROMDEFAULTPROFILE: "secret-of-the-default-profile",
  AKIAFROMOTHERPROFILE: "secret-of-the-other-profile",
};
const CREDENTIALS_FILE = `[default]
aws_access_key_id = AKIAFROMDEFAULTPROFILE
aws_secret_access_key = secret-of-the-default-profile

[other]
aws_access_key_id = AKIAFROMOTHERPROFILE
aws_secret_access_key = secret-of-the-other-profile
`;

let proxy: SigV4CheckingProxy;
let dir: string;

beforeAll(() => {
  proxy = startSigV4CheckingProxy(s3.endpoint(), SECRETS);
  dir = mkdtempSync(join(tmpdir(), "swamp-s3-credentials-"));
  writeFileSync(join(dir, "credentials"), CREDENTIALS_FILE);
});

afterAll(async () => {
  await proxy?.stop();
  rmSync(dir, { recursive: true, force: true });
});

// Only the source under test may give credentials.
isolateAwsEnv();

/** A store on the proxy with the SDK's default credential chain (no `credentials` given). */
function storeOnProxy(): S3ObjectStore {
  return new S3ObjectStore({
    bucket: s3.bucket,
    prefix: s3.freshPrefix(),
    endpoint: proxy.url,
    forcePathStyle: true,
  });
}

/** Every operation of the port goes through, signed with `accessKeyId`, and the signatures check out. */
async function expectSignedWith(accessKeyId: string): Promise<void> {
  const store = storeOnProxy();
  const before = proxy.checks().length;
  try {
    const body = new TextEncoder().encode("signed body");
    const put = await store.put("dir/a b+c.txt", body, { absent: true });
    expect(put.ok).toBe(true);
    expect((await store.get("dir/a b+c.txt"))?.body).toEqual(body);
    expect((await store.head("dir/a b+c.txt"))?.version).toBe(put.ok ? put.version : "?");
    const keys: string[] = [];
    for await (const info of store.list("dir/")) keys.push(info.key);
    expect(keys).toEqual(["dir/a b+c.txt"]);
    expect(await store.delete("dir/a b+c.txt", put.ok ? { version: put.version } : undefined)).toEqual({
      ok: true,
      version: put.ok ? put.version : "?",
    });
  } finally {
    store.close();
  }
  const seen = proxy.checks().slice(before);
  expect(seen.map((check) => check.method)).toEqual(["PUT", "GET", "HEAD", "GET", "DELETE"]);
  for (const check of seen) expect(check).toMatchObject({ accessKeyId, valid: true });
}

describe("S3ObjectStore signs with the SDK's default credential chain", () => {
  test("environment variables", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIAFROMENVIRONMENT";
    process.env.AWS_SECRET_ACCESS_KEY = "secret-of-the-environment";
    await expectSignedWith("AKIAFROMENVIRONMENT");
  });

  test("the [default] profile of a shared credentials file", async () => {
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    await expectSignedWith("AKIAFROMDEFAULTPROFILE");
  });

  test("a named profile (AWS_PROFILE) of that file", async () => {
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    process.env.AWS_PROFILE = "other";
    await expectSignedWith("AKIAFROMOTHERPROFILE");
  });

  test("a wrong secret makes a signature the proxy rejects, and the error says to check the credentials", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIAFROMENVIRONMENT";
    process.env.AWS_SECRET_ACCESS_KEY = "not-the-secret";
    const store = storeOnProxy();
    try {
      const error = await swampFailure(store.put("k", new Uint8Array([1])));
      expect(error.details).toMatchObject({ status: 403, transient: false });
      expect(error.message).toContain("SignatureDoesNotMatch");
      expect(error.message).toContain("Check the credentials (`aws sts get-caller-identity`)");
    } finally {
      store.close();
    }
    expect(proxy.checks().at(-1)).toEqual({
      method: "PUT",
      accessKeyId: "AKIAFROMENVIRONMENT",
      valid: false,
    });
  });
});
