import type { IncomingMessage } from "node:http";
import type { NodeHttpHandler } from "@smithy/node-http-handler";
import type { SignatureV4 } from "@smithy/signature-v4";
import { parseError } from "./s3-xml.ts";

/** Where a bucket's requests go: `base` is the SDK's endpoint for the bucket (path style or not). */
export interface S3Target {
  base: URL;
  signingRegion: string;
}

export interface S3Request {
  method: "GET" | "HEAD" | "PUT" | "DELETE";
  /** The object's name in the bucket; absent for a request on the bucket (a listing). */
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface S3Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An error answer, shaped like the SDK's (`name` is the S3 code, `$metadata.httpStatusCode`). */
export class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number, code: string | undefined, message: string | undefined) {
    super(message ?? `HTTP ${status} with no error body`);
    this.name = code ?? `Http${status}`;
    this.$metadata = { httpStatusCode: status };
  }
}

type UnsignedRequest = Parameters<SignatureV4["sign"]>[0];
type HttpRequest = Parameters<NodeHttpHandler["handle"]>[0];

/** The SDK's signer allows this much skew before it corrects its clock from the server's Date. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Signs one S3 request with the SDK's SigV4 signer and sends it through the SDK's Node HTTP
 * handler, without the client's middleware stack: bodies go and come as bytes.
 */
export class SignedRequests {
  #clockOffsetMs = 0;

  constructor(
    private readonly target: S3Target,
    private readonly signer: SignatureV4,
    private readonly handler: NodeHttpHandler,
  ) {}

  /** Sends `request`; a 2xx answer comes back, any other is thrown as an S3ResponseError. */
  async send(request: S3Request, signal?: AbortSignal): Promise<S3Answer> {
    const { base, signingRegion } = this.target;
    const dir = base.pathname;
    const path =
      request.key === undefined
        ? dir
        : `${dir.endsWith("/") ? dir : `${dir}/`}${request.key.split("/").map(encodeSegment).join("/")}`;
    const headers: Record<string, string> = { host: base.host, ...request.headers };
    if (request.body) headers["content-length"] = String(request.body.byteLength);
    const unsigned: UnsignedRequest = {
      method: request.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query: request.query ?? {},
      headers,
      ...(request.body ? { body: request.body } : {}),
    };
    const signed = (await this.signer.sign(unsigned, {
      signingRegion,
      signingDate: new Date(Date.now() + this.#clockOffsetMs),
    })) as HttpRequest;
    const { response } = await this.handler.handle(signed, signal ? { abortSignal: signal } : {});
    // A HEAD answer's Content-Length is the object's, not its own (empty) body's.
    const body = await readBody(response.body as IncomingMessage, request.method !== "HEAD");
    this.#followServerClock(response.headers.date);
    if (response.statusCode >= 200 && response.statusCode < 300) {
      return { status: response.statusCode, headers: response.headers, body };
    }
    const { code, message } = parseError(new TextDecoder().decode(body));
    throw new S3ResponseError(response.statusCode, code, message);
  }

  #followServerClock(date: string | undefined): void {
    const server = date ? Date.parse(date) : Number.NaN;
    if (!Number.isFinite(server)) return;
    const local = Date.now() + this.#clockOffsetMs;
    if (Math.abs(server - local) >= CLOCK_SKEW_MS) this.#clockOffsetMs = server - Date.now();
  }
}

/** The SDK's encoding of one segment of an object name in the path (RFC 3986, `/` kept by the caller). */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The whole body as bytes; fails when the stream breaks or ends short of its Content-Length.
 * Read by events, not `for await`: a stream's async iterator costs more than a small body.
 */
function readBody(stream: IncomingMessage, checkLength: boolean): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    let ended = false;
    const cutOff = () =>
      Object.assign(new Error(`the answer ended after ${length} bytes`), { code: "ECONNRESET" });
    stream.on("data", (chunk: Uint8Array) => {
      chunks.push(chunk);
      length += chunk.byteLength;
    });
    stream.once("error", reject);
    // Closed before its end (the connection dropped): the body is cut off, whatever it declared.
    stream.once("close", () => {
      if (!ended) reject(cutOff());
    });
    stream.once("end", () => {
      ended = true;
      const expected = Number(stream.headers["content-length"] ?? Number.NaN);
      if (checkLength && Number.isFinite(expected) && expected !== length) {
        reject(
          Object.assign(new Error(`the answer ended after ${length} of ${expected} bytes`), {
            code: "ECONNRESET",
          }),
        );
        return;
      }
      resolve(joined(chunks, length));
    });
  });
}

function joined(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const only = chunks.length === 1 ? chunks[0] : undefined;
  if (only) return new Uint8Array(only.buffer, only.byteOffset, only.byteLength);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
