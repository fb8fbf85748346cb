import type { BackendDescriptor } from "./backend-descriptor.ts";
import {
  type BucketConfig,
  bucketFields,
  bucketPlacement,
  bucketShortForm,
  PREFIX_FLAG,
  TUNING_KEYS,
} from "./bucket-backend.ts";
import { optionalString, pickDefined, textFlag, urlField } from "./config-fields.ts";

/** A Google Cloud Storage bucket (application-default credentials), or an emulator at `apiEndpoint`. */
export interface GcsBackend extends BucketConfig {
  kind: "gcs";
  projectId?: string;
  apiEndpoint?: string;
}

function gcsBucketProblem(bucket: string): string | undefined {
  const maxLength = bucket.includes(".") ? 222 : 63;
  if (
    bucket.length < 3 ||
    bucket.length > maxLength ||
    !/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(bucket) ||
    bucket.split(".").some((part) => part.length > 63)
  ) {
    return `bucket must be 3-63 characters (222 with dots) of a-z, 0-9, "-", "_" and ".", starting and ending with a letter or digit; got "${bucket}"`;
  }
  if (bucket.startsWith("goog")) return `bucket must not start with "goog"; got "${bucket}"`;
  if (bucket.includes("google")) return `bucket must not contain "google"; got "${bucket}"`;
  return undefined;
}

export const gcsBackend = {
  kind: "gcs",
  label: "GCS",
  aliases: ["@swamp/gcs-datastore"],
  configKeys: ["bucket", "prefix", "projectId", "apiEndpoint", ...TUNING_KEYS],
  shortForm: bucketShortForm,
  yaml: {},

  parse(raw, context) {
    const issues = context.issues;
    return pickDefined<GcsBackend>({
      kind: "gcs",
      ...bucketFields(raw, issues, gcsBucketProblem),
      projectId: optionalString(raw, "projectId", issues),
      apiEndpoint: urlField(raw, "apiEndpoint", issues),
    });
  },

  placement: bucketPlacement<GcsBackend>({
    requestTimeoutVariable: "SWAMP_GCS_REQUEST_TIMEOUT_MS",
    endpoint: (config) => config.apiEndpoint,
  }),

  setup: [
    {
      name: "gcs",
      description: "use a Google Cloud Storage bucket as the datastore (application-default credentials)",
      flags: [
        { flags: "--bucket <name>", help: "the bucket", required: true },
        PREFIX_FLAG,
        { flags: "--project <id>", help: "the GCP project" },
        {
          flags: "--api-endpoint <url>",
          help: "a GCS-compatible endpoint (emulators; STORAGE_EMULATOR_HOST works too)",
        },
      ],
      examples: [
        "swamp ds setup gcs --bucket team-bucket --prefix swamp",
        "swamp ds setup gcs --bucket team-bucket --prefix swamp --hydration-strategy lazy",
      ],
      toConfig: (opts) =>
        pickDefined<GcsBackend>({
          kind: "gcs",
          bucket: textFlag(opts, "bucket") ?? "",
          prefix: textFlag(opts, "prefix"),
          projectId: textFlag(opts, "project"),
          apiEndpoint: textFlag(opts, "apiEndpoint"),
        }),
    },
  ],
} satisfies BackendDescriptor<GcsBackend>;
