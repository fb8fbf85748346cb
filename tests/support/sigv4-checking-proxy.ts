import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** What the proxy made of one request's signature. */
export interface SignatureCheck {
  method: string;
  accessKeyId: string;
  /** The signature matched a re-signing with the key's known secret, and the body its hash. */
  valid: boolean;
}

/**
 * A loopback proxy in front of an S3 server that does not check signatures (moto): it re-signs
 * each request with the secret it knows for the request's access key id, answers 403
 * SignatureDoesNotMatch when the signature (or the body's hash) differs, and forwards the
 * rest. So a test sees which credentials signed, and that they signed correctly.
 */
export interface SigV4CheckingProxy {
  url: string;
  checks(): SignatureCheck[];
  stop(): Promise<void>;
}

class NodeSha256 {
  readonly #hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/;

/** `secrets` maps each access key id the proxy accepts to its secret. */
export function startSigV4CheckingProxy(
  upstream: string,
  secrets: Record<string, string>,
): SigV4CheckingProxy {
  const checks: SignatureCheck[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const body = new Uint8Array(await req.arrayBuffer());
      const url = new URL(req.url);
      const authorization = req.headers.get("authorization") ?? "";
      const match = AUTHORIZATION.exec(authorization);
      const accessKeyId = match?.[1] ?? "";
      const valid = match ? await signatureMatches(req, url, body, match, secrets[accessKeyId]) : false;
      checks.push({ method: req.method, accessKeyId, valid });
      if (!valid) {
        return new Response(
          "<?xml version='1.0' encoding='UTF-8'?><Error><Code>SignatureDoesNotMatch</Code><Message>signature check failed at the proxy</Message></Error>",
          { status: 403, headers: { "content-type": "application/xml" } },
        );
      }
      const answer = await fetch(`${upstream}${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        ...(req.method === "PUT" ? { body } : {}),
      });
      return new Response(req.method === "HEAD" ? null : await answer.arrayBuffer(), {
        status: answer.status,
        headers: answer.headers,
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    checks: () => [...checks],
    stop: () => server.stop(true),
  };
}

async function signatureMatches(
  req: Request,
  url: URL,
  body: Uint8Array,
  match: RegExpExecArray,
  secret: string | undefined,
): Promise<boolean> {
  const [, accessKeyId = "", region = "", signedHeaders = ""] = match;
  const payloadHash = req.headers.get("x-amz-content-sha256");
  if (secret === undefined || payloadHash !== createHash("sha256").update(body).digest("hex")) return false;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(";")) headers[name] = req.headers.get(name) ?? "";
  const query: Record<string, string> = {};
  for (const pair of url.search.slice(1).split("&").filter(Boolean)) {
    const [name = "", value = ""] = pair.split("=");
    query[decodeURIComponent(name)] = decodeURIComponent(value);
  }
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(headers["x-amz-date"] ?? "");
  if (!date) return false;
  const [, y, mo, d, h, mi, s] = date;
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secret },
    region,
    service: "s3",
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const resigned = await signer.sign(
    { method: req.method, protocol: "http:", hostname: url.hostname, path: url.pathname, query, headers },
    { signingDate: new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`) },
  );
  return resigned.headers.authorization === req.headers.get("authorization");
}
