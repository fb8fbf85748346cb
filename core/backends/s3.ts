import type { BackendDescriptor } from "./backend-descriptor.ts";
import {
  type BucketConfig,
  bucketFields,
  bucketPlacement,
  bucketShortForm,
  PREFIX_FLAG,
  TUNING_KEYS,
} from "./bucket-backend.ts";
import { boolField, optionalString, pickDefined, textFlag, urlField } from "./config-fields.ts";

/** An S3 bucket: AWS, or any S3-compatible server (MinIO, moto…) at `endpoint`. */
export interface S3Backend extends BucketConfig {
  kind: "s3";
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

function s3BucketProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63 || !/^[a-z0-9.-]+$/.test(bucket)) {
    return `bucket must be 3-63 characters of a-z, 0-9, "." and "-"; got "${bucket}"`;
  }
  return undefined;
}

/**
 * MinIO is not a backend of its own: it is S3 (same config, store and `.swamp.yaml` type) with
 * other defaults, so it is one of S3's setup commands: `datastore setup minio`.
 */
export const s3Backend = {
  kind: "s3",
  label: "S3",
  aliases: ["@swamp/s3-datastore"],
  configKeys: ["bucket", "prefix", "region", "endpoint", "forcePathStyle", ...TUNING_KEYS],
  shortForm: bucketShortForm,
  // Before `datastore.config`, S3's keys sat in the block itself; still read for `type: s3`.
  yaml: { legacyTopLevelKeys: ["bucket", "prefix", "region", "endpoint", "forcePathStyle"] },

  parse(raw, context) {
    const issues = context.issues;
    return pickDefined<S3Backend>({
      kind: "s3",
      ...bucketFields(raw, issues, s3BucketProblem),
      region: optionalString(raw, "region", issues),
      endpoint: urlField(raw, "endpoint", issues),
      forcePathStyle: boolField(raw, "forcePathStyle", issues),
    });
  },

  placement: bucketPlacement<S3Backend>({
    requestTimeoutVariable: "SWAMP_S3_REQUEST_TIMEOUT_MS",
    endpoint: (config) => config.endpoint,
  }),

  setup: [
    {
      name: "s3",
      description: "use an S3 bucket (AWS, or any S3-compatible store with --endpoint) as the datastore",
      flags: [
        { flags: "--bucket <name>", help: "the bucket", required: true },
        PREFIX_FLAG,
        { flags: "--region <region>", help: "the bucket's region (default: the AWS SDK's)" },
        { flags: "--endpoint <url>", help: "an S3-compatible endpoint, e.g. http://minio:9000" },
        { flags: "--force-path-style", help: "path-style addressing (MinIO and most S3-compatible stores)" },
      ],
      examples: [
        "swamp ds setup s3 --bucket team-bucket --prefix swamp --region eu-west-1",
        "swamp ds setup s3 --bucket b --endpoint http://127.0.0.1:9000 --force-path-style --json",
        "swamp ds setup s3 --bucket team-bucket --prefix swamp --hydration-strategy lazy",
      ],
      toConfig: (opts) =>
        pickDefined<S3Backend>({
          kind: "s3",
          bucket: textFlag(opts, "bucket") ?? "",
          prefix: textFlag(opts, "prefix"),
          region: textFlag(opts, "region"),
          endpoint: textFlag(opts, "endpoint"),
          forcePathStyle: opts.forcePathStyle ? true : undefined,
        }),
    },
    {
      name: "minio",
      description: "use a MinIO (or other S3-compatible) bucket: S3 with path-style addressing",
      flags: [
        { flags: "--endpoint <url>", help: "the server, e.g. http://minio:9000", required: true },
        { flags: "--bucket <name>", help: "the bucket", required: true },
        PREFIX_FLAG,
        { flags: "--region <region>", help: "region name the server expects", default: "us-east-1" },
      ],
      examples: ["swamp ds setup minio --endpoint http://minio:9000 --bucket swamp"],
      toConfig: (opts) =>
        pickDefined<S3Backend>({
          kind: "s3",
          bucket: textFlag(opts, "bucket") ?? "",
          endpoint: textFlag(opts, "endpoint"),
          forcePathStyle: true,
          prefix: textFlag(opts, "prefix"),
          region: textFlag(opts, "region"),
        }),
    },
  ],
} satisfies BackendDescriptor<S3Backend>;
