import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import { type S3Answer, type S3Request, type S3Target, SignedRequests } from "./signed-request.ts";

/** Where the bucket is and who signs: resolved by the SDK as its client would. */
export interface S3Location {
  bucket: string;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface S3ClientSettings extends S3Location {
  timeoutMs: number;
  maxSockets: number;
}

/**
 * The store's S3 requests. The SDK's client is built but never sends: it resolves what the SDK
 * would (region from the settings, environment or profile; the bucket's endpoint with its path
 * style; the default credential chain, memoized and refreshed), and each request is then signed
 * with the SDK's SigV4 signer and sent through one keep-alive Node HTTP handler.
 */
export class LeanS3Client {
  readonly #handler: NodeHttpHandler;
  readonly #requests: Promise<SignedRequests>;

  constructor(settings: S3ClientSettings) {
    const { timeoutMs, maxSockets } = settings;
    this.#handler = new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: Math.min(timeoutMs, 10_000),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      // Covers a body that stalls after the headers came, which requestTimeout does not.
      socketTimeout: timeoutMs,
    });
    this.#requests = resolveS3(settings).then(
      ({ target, signer }) => new SignedRequests(target, signer, this.#handler),
    );
    // Failures surface on the first send; this only keeps an unused store from an unhandled rejection.
    this.#requests.catch(() => {});
  }

  async send(request: S3Request, signal?: AbortSignal): Promise<S3Answer> {
    return (await this.#requests).send(request, signal);
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.#handler.destroy();
  }
}

/** The bucket's endpoint and signing region, and a signer on the SDK's credential chain. */
export async function resolveS3(settings: S3Location): Promise<{ target: S3Target; signer: SignatureV4 }> {
  const { endpoint, credentials } = settings;
  const forcePathStyle = settings.forcePathStyle ?? false;
  const client = new S3Client({
    ...(settings.region ? { region: settings.region } : endpoint ? { region: "us-east-1" } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    forcePathStyle,
  });
  try {
    const config = client.config;
    // Renamed: the linter takes any `use…()` call for a React hook.
    const { useFipsEndpoint: fips, useDualstackEndpoint: dualStack } = config;
    const region = await config.region();
    const resolved = config.endpointProvider({
      Bucket: settings.bucket,
      Region: region,
      UseFIPS: await fips(),
      UseDualStack: await dualStack(),
      ForcePathStyle: forcePathStyle,
      Accelerate: false,
      ...(endpoint ? { Endpoint: endpoint } : {}),
    });
    const scheme = (
      resolved.properties?.authSchemes as { name?: string; signingRegion?: string }[] | undefined
    )?.[0];
    if (scheme?.name !== undefined && scheme.name !== "sigv4") {
      throw new Error(
        `bucket "${settings.bucket}" needs the ${scheme.name} signing scheme, which swamp does not speak; use a general-purpose bucket`,
      );
    }
    const target: S3Target = {
      base: new URL(resolved.url.href),
      signingRegion: scheme?.signingRegion ?? region,
    };
    const signer = new SignatureV4({
      credentials: config.credentials,
      region: target.signingRegion,
      service: "s3",
      sha256: config.sha256,
      uriEscapePath: false,
    });
    return { target, signer };
  } finally {
    client.destroy();
  }
}
