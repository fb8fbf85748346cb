import { httpStatusOf, isTimeout } from "./transient-error.ts";

/** What a store knows about itself to explain a failure. */
export interface StoreSite {
  /** "s3" or "gcs": names the setup command. */
  kind: "s3" | "gcs";
  bucket: string;
  /** The server, as the user gave it ("AWS S3" when none). */
  endpoint: string;
  timeoutMs: number;
  /** The environment variable that raises the request timeout. */
  timeoutVariable: string;
  /** How to check the credentials, e.g. "`aws sts get-caller-identity`". */
  credentialsCheck: string;
  /** True when the SDK's answer says the bucket itself is missing. */
  bucketMissing(error: unknown): boolean;
  /** The server's own words in the SDK's error, when they need digging out. */
  messageOf?(error: unknown): string;
}

/** A store failure in plain words: what happened, and what to do (docs/architecture.md, "Error messages"). */
export interface PlainFailure {
  reason: string;
  hint: string;
}

/** Socket error codes (Node's and Bun's) in the words a person uses; one table for every message. */
export const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found",
  EAI_NONAME: "host not found",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** Maps an SDK or socket failure to its plain cause: a missing bucket, no connection, no DNS, denied, slow. */
export function plainFailure(error: unknown, site: StoreSite): PlainFailure {
  const { code, name } = shapeOf(error);
  const message = site.messageOf?.(error) ?? shapeOf(error).message;
  const status = httpStatusOf(error);
  const reachable = `Check that the server is up and reachable from this machine ('swamp datastore status' checks), then run the command again.`;
  if (site.bucketMissing(error)) {
    return {
      reason: `Bucket "${site.bucket}" does not exist`,
      hint: `Create it, or point this repo at another bucket with 'swamp datastore setup ${site.kind} --bucket NAME'.`,
    };
  }
  const plain = NETWORK_WORDS[code];
  if (plain === "connection refused" || /connection refused/i.test(message)) {
    return { reason: `Cannot reach ${site.endpoint} (connection refused)`, hint: reachable };
  }
  if (plain === "host not found" || name === "DNSException") {
    return {
      reason: `Cannot find the host of ${site.endpoint} (DNS lookup failed)`,
      hint: `Check the endpoint ('swamp datastore setup ${site.kind} --help' shows how to change it) and this machine's DNS.`,
    };
  }
  const timedOut = isTimeout(error) || (status === undefined && /timeout|timed out/i.test(message));
  if (timedOut && code !== "ECONNRESET" && code !== "EPIPE") {
    return {
      reason: `The server at ${site.endpoint} did not answer within ${site.timeoutMs} ms`,
      hint: `Check that it is reachable from this machine, or raise requestTimeoutMs (${site.timeoutVariable}).`,
    };
  }
  if (
    status === 401 ||
    status === 403 ||
    name === "CredentialsProviderError" ||
    /default credentials/i.test(message)
  ) {
    const what =
      status === undefined ? "No credentials were found" : `Access to bucket "${site.bucket}" was denied`;
    return {
      reason: `${what} (${name}${message ? `: ${message.replace(/\.+$/, "")}` : ""})`,
      hint: `Check the credentials (${site.credentialsCheck}) and the bucket's permissions.`,
    };
  }
  const words = `${name}${message ? `: ${message.replace(/\.+$/, "")}` : ""}`;
  if (status === undefined) {
    return { reason: `Lost the connection to ${site.endpoint} (${code || words})`, hint: reachable };
  }
  return {
    reason: `The server at ${site.endpoint} answered ${status} (${words})`,
    hint: "Run 'swamp datastore status' to check the datastore, then run the command again.",
  };
}

function shapeOf(error: unknown): { code: string; name: string; message: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  return {
    code: typeof e.code === "string" ? e.code : "",
    name: typeof e.name === "string" ? e.name : "Error",
    message: typeof e.message === "string" ? e.message : String(error),
  };
}
