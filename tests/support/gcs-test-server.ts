import { createHash, randomUUID } from "node:crypto";
import { crc32cBase64 } from "../../adapters/gcs/crc32c.ts";

/**
 * A small in-memory server for the GCS JSON API, enough for what `@google-cloud/storage`
 * calls: buckets, multipart/media/resumable uploads, metadata and media reads, listing
 * with prefix/delimiter/startOffset/paging, deletes, and `ifGenerationMatch` on writes,
 * reads and deletes. Paths are accepted with or without the `/storage/v1` base, because
 * `STORAGE_EMULATOR_HOST` makes the SDK drop it.
 */
export interface GcsTestServerOptions {
  /**
   * false: media reads come without `Last-Modified`, as some GCS-compatible servers answer
   * (the metadata's `updated` is still there). Default true.
   */
  mediaLastModified?: boolean;
}

export interface GcsTestServer {
  /** `http://127.0.0.1:PORT`, for `new Storage({ apiEndpoint })`. */
  url: string;
  port: number;
  /** Requests answered since start or the last `reset()`. */
  requests(): number;
  /** Drops every bucket, object and upload session and zeroes the request count. */
  reset(): void;
  /** Stops listening (connections are refused) until `serveAgain()`; buckets and objects are kept. */
  stopServing(): Promise<void>;
  /** Listens again on the same port. */
  serveAgain(): void;
  stop(): Promise<void>;
}

interface StoredGcsObject {
  bucket: string;
  name: string;
  body: Uint8Array;
  generation: number;
  contentType: string;
  metadata?: Record<string, string>;
  timeCreated: string;
  md5Hash: string;
  crc32c: string;
}

interface UploadSession {
  bucket: string;
  name: string;
  contentType: string;
  metadata?: Record<string, string>;
  ifGenerationMatch: string | null;
  chunks: Uint8Array[];
  received: number;
}

const MAX_PAGE = 1000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const notFound = (what: string) => new HttpError(404, what, "notFound");
const preconditionFailed = () =>
  new HttpError(412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

class GcsState {
  buckets = new Map<string, Map<string, StoredGcsObject>>();
  sessions = new Map<string, UploadSession>();
  #generation = Date.now() * 1000;

  bucket(name: string): Map<string, StoredGcsObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw notFound("The specified bucket does not exist.");
    return bucket;
  }

  object(bucket: string, name: string): StoredGcsObject {
    const object = this.bucket(bucket).get(name);
    if (!object) throw notFound(`No such object: ${bucket}/${name}`);
    return object;
  }

  /** `ifGenerationMatch=0` means "must not exist"; otherwise the live generation must equal it. */
  checkGeneration(bucket: string, name: string, ifGenerationMatch: string | null): void {
    if (ifGenerationMatch === null) return;
    const current = this.bucket(bucket).get(name);
    const live = current ? String(current.generation) : "0";
    if (live !== ifGenerationMatch) throw preconditionFailed();
  }

  write(
    bucket: string,
    name: string,
    body: Uint8Array,
    contentType: string,
    ifGenerationMatch: string | null,
    metadata?: Record<string, string>,
  ): StoredGcsObject {
    if (!name) throw new HttpError(400, "Required parameter: name", "required");
    this.checkGeneration(bucket, name, ifGenerationMatch);
    const now = new Date().toISOString();
    const object: StoredGcsObject = {
      bucket,
      name,
      body,
      generation: ++this.#generation,
      contentType,
      timeCreated: now,
      md5Hash: createHash("md5").update(body).digest("base64"),
      crc32c: crc32cBase64(body),
    };
    if (metadata) object.metadata = metadata;
    this.bucket(bucket).set(name, object);
    return object;
  }
}

function resource(origin: string, object: StoredGcsObject): Record<string, unknown> {
  const encoded = encodeURIComponent(object.name);
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${origin}/storage/v1/b/${object.bucket}/o/${encoded}`,
    mediaLink: `${origin}/download/storage/v1/b/${object.bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: String(object.generation),
    metageneration: "1",
    contentType: object.contentType,
    storageClass: "STANDARD",
    size: String(object.body.byteLength),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: `C${object.generation}EAE=`,
    timeCreated: object.timeCreated,
    updated: object.timeCreated,
    timeStorageClassUpdated: object.timeCreated,
    ...(object.metadata ? { metadata: object.metadata } : {}),
  };
}

function respond(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const all: Record<string, string> = { date: new Date().toUTCString(), ...headers };
  if (body === undefined) return new Response(null, { status, headers: all });
  all["content-type"] = "application/json; charset=UTF-8";
  return new Response(JSON.stringify(body), { status, headers: all });
}

function errorResponse(error: HttpError): Response {
  return respond(error.status, {
    error: {
      code: error.status,
      message: error.message,
      errors: [{ domain: "global", reason: error.reason, message: error.message }],
    },
  });
}

/** Splits a `multipart/related` body into its parts' headers and bytes. */
function parseMultipart(body: Uint8Array, contentType: string): { type: string; bytes: Uint8Array }[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new HttpError(400, "multipart body without a boundary", "invalid");
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { type: string; bytes: Uint8Array }[] = [];
  let start = buffer.indexOf(delimiter);
  while (start !== -1 && parts.length < 16) {
    const partStart = start + delimiter.length;
    if (buffer.subarray(partStart, partStart + 2).toString() === "--") break;
    const end = buffer.indexOf(delimiter, partStart);
    if (end === -1) break;
    const part = buffer.subarray(partStart, end);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw new HttpError(400, "malformed multipart part", "invalid");
    const head = part.subarray(0, headerEnd).toString();
    let bytes = part.subarray(headerEnd + 4);
    if (bytes.subarray(-2).toString() === "\r\n") bytes = bytes.subarray(0, -2);
    const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? "application/octet-stream";
    parts.push({ type, bytes: new Uint8Array(bytes) });
    start = end;
  }
  return parts;
}

function listObjects(origin: string, state: GcsState, bucketName: string, query: URLSearchParams): Response {
  const bucket = state.bucket(bucketName);
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const startOffset = query.get("startOffset");
  const endOffset = query.get("endOffset");
  const pageToken = query.get("pageToken");
  const resumeAfter = pageToken ? Buffer.from(pageToken, "base64url").toString() : null;
  const requested = Number(query.get("maxResults") ?? MAX_PAGE);
  const pageSize = Math.max(1, Math.min(MAX_PAGE, Number.isFinite(requested) ? requested : MAX_PAGE));

  const names = [...bucket.keys()]
    .filter(
      (name) =>
        name.startsWith(prefix) &&
        (startOffset === null || byUtf8(name, startOffset) >= 0) &&
        (endOffset === null || byUtf8(name, endOffset) < 0) &&
        (resumeAfter === null ||
          (byUtf8(name, resumeAfter) > 0 &&
            !(resumeAfter.endsWith(delimiter) && name.startsWith(resumeAfter)))),
    )
    .sort(byUtf8);

  const items: Record<string, unknown>[] = [];
  const prefixes: string[] = [];
  let last: string | null = null;
  let more = false;
  for (const name of names) {
    const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
    const entry = cut === -1 ? name : name.slice(0, cut + delimiter.length);
    if (entry === last) continue;
    if (items.length + prefixes.length === pageSize) {
      more = true;
      break;
    }
    if (cut === -1) items.push(resource(origin, bucket.get(name) as StoredGcsObject));
    else prefixes.push(entry);
    last = entry;
  }
  const body: Record<string, unknown> = { kind: "storage#objects" };
  if (items.length > 0) body.items = items;
  if (prefixes.length > 0) body.prefixes = prefixes;
  if (more && last !== null) body.nextPageToken = Buffer.from(last).toString("base64url");
  return respond(200, body);
}

function media(object: StoredGcsObject, lastModified: boolean): Response {
  return new Response(object.body, {
    status: 200,
    headers: {
      date: new Date().toUTCString(),
      "content-type": object.contentType,
      "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5Hash}`,
      "x-goog-generation": String(object.generation),
      "x-goog-metageneration": "1",
      "x-goog-stored-content-encoding": "identity",
      "x-goog-stored-content-length": String(object.body.byteLength),
      ...(lastModified ? { "last-modified": new Date(object.timeCreated).toUTCString() } : {}),
      etag: `"${object.md5Hash}"`,
    },
  });
}

function handleObject(
  options: Required<GcsTestServerOptions>,
  origin: string,
  state: GcsState,
  req: Request,
  bucket: string,
  name: string,
  query: URLSearchParams,
): Response {
  const ifGenerationMatch = query.get("ifGenerationMatch");
  const object = state.object(bucket, name);
  const generation = query.get("generation");
  if (generation !== null && generation !== String(object.generation)) {
    throw notFound(`No such object: ${bucket}/${name}`);
  }
  state.checkGeneration(bucket, name, ifGenerationMatch);
  if (req.method === "GET") {
    return query.get("alt") === "media"
      ? media(object, options.mediaLastModified)
      : respond(200, resource(origin, object));
  }
  if (req.method === "DELETE") {
    state.bucket(bucket).delete(name);
    return respond(204);
  }
  throw new HttpError(405, `${req.method} is not supported on objects here`, "notImplemented");
}

/**
 * The request's body, refused when it is shorter than its Content-Length: a client cut off
 * part-way (killed, a reset) never creates an object on real GCS, so it must not here either.
 */
async function completeBody(req: Request): Promise<Uint8Array> {
  const body = new Uint8Array(await req.arrayBuffer());
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) !== body.byteLength) {
    throw new HttpError(400, `the upload was cut off (${body.byteLength} of ${declared} bytes)`, "invalid");
  }
  return body;
}

async function startUpload(
  origin: string,
  state: GcsState,
  req: Request,
  bucket: string,
  query: URLSearchParams,
): Promise<Response> {
  state.bucket(bucket);
  const ifGenerationMatch = query.get("ifGenerationMatch");
  const uploadType = query.get("uploadType");
  const body = await completeBody(req);
  const contentType = req.headers.get("content-type") ?? "application/octet-stream";

  if (uploadType === "media") {
    const name = query.get("name") ?? "";
    return respond(200, resource(origin, state.write(bucket, name, body, contentType, ifGenerationMatch)));
  }
  if (uploadType === "multipart") {
    const [meta, data] = parseMultipart(body, contentType);
    if (!meta || !data)
      throw new HttpError(400, "multipart upload needs a metadata part and a media part", "invalid");
    const metadata = JSON.parse(new TextDecoder().decode(meta.bytes)) as {
      name?: string;
      contentType?: string;
      metadata?: Record<string, string>;
      crc32c?: string;
    };
    // As GCS does: a client-supplied checksum is checked before anything is stored.
    if (metadata.crc32c !== undefined && metadata.crc32c !== crc32cBase64(data.bytes)) {
      throw new HttpError(
        400,
        `Provided CRC32C "${metadata.crc32c}" doesn't match calculated CRC32C "${crc32cBase64(data.bytes)}".`,
        "invalid",
      );
    }
    const name = query.get("name") ?? metadata.name ?? "";
    const type = metadata.contentType ?? data.type;
    const written = state.write(bucket, name, data.bytes, type, ifGenerationMatch, metadata.metadata);
    return respond(200, resource(origin, written));
  }
  if (uploadType === "resumable") {
    const metadata =
      body.byteLength > 0
        ? (JSON.parse(new TextDecoder().decode(body)) as {
            name?: string;
            contentType?: string;
            metadata?: Record<string, string>;
          })
        : {};
    const name = query.get("name") ?? metadata.name ?? "";
    if (!name) throw new HttpError(400, "Required parameter: name", "required");
    state.checkGeneration(bucket, name, ifGenerationMatch);
    const id = randomUUID();
    const session: UploadSession = {
      bucket,
      name,
      contentType:
        metadata.contentType ?? req.headers.get("x-upload-content-type") ?? "application/octet-stream",
      ifGenerationMatch,
      chunks: [],
      received: 0,
    };
    if (metadata.metadata) session.metadata = metadata.metadata;
    state.sessions.set(id, session);
    const location = `${origin}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    return respond(200, undefined, { location, "x-guploader-uploadid": id });
  }
  throw new HttpError(400, `unsupported uploadType ${uploadType}`, "invalid");
}

/**
 * One PUT of a resumable session. `Content-Range` names a chunk (`bytes A-B/TOTAL`), the rest of
 * the object in one streaming request (end byte `*`), or asks for the status (no byte range);
 * TOTAL is `*` while unknown.
 */
async function continueUpload(origin: string, state: GcsState, req: Request, id: string): Promise<Response> {
  const session = state.sessions.get(id);
  if (!session) throw notFound("No such upload session");
  const body = await completeBody(req);
  const range = req.headers.get("content-range") ?? `bytes 0-${body.byteLength - 1}/${body.byteLength}`;
  const match = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(range.trim());
  if (!match) throw new HttpError(400, `bad Content-Range: ${range}`, "invalid");
  const [, first, last, totalText] = match;
  if (first !== undefined && Number(first) === session.received && body.byteLength > 0) {
    session.chunks.push(body);
    session.received += body.byteLength;
  }
  const total = last === "*" ? session.received : totalText === "*" ? null : Number(totalText);
  if (total !== null && session.received >= total) {
    state.sessions.delete(id);
    const written = state.write(
      session.bucket,
      session.name,
      new Uint8Array(Buffer.concat(session.chunks)),
      session.contentType,
      session.ifGenerationMatch,
      session.metadata,
    );
    return respond(200, resource(origin, written));
  }
  const headers: Record<string, string> =
    session.received > 0 ? { range: `bytes=0-${session.received - 1}` } : {};
  return respond(308, undefined, headers);
}

async function route(
  options: Required<GcsTestServerOptions>,
  origin: string,
  state: GcsState,
  req: Request,
): Promise<Response> {
  const url = new URL(req.url);
  const query = url.searchParams;
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (upload) {
    const bucket = decodeURIComponent(upload[1] as string);
    const id = query.get("upload_id");
    if (req.method === "PUT" && id) return continueUpload(origin, state, req, id);
    if (req.method === "POST") return startUpload(origin, state, req, bucket, query);
  }
  const path = url.pathname.startsWith("/storage/v1/")
    ? url.pathname.slice("/storage/v1".length)
    : url.pathname;
  if (path === "/b" && req.method === "POST") {
    const { name } = (await req.json()) as { name?: string };
    if (!name) throw new HttpError(400, "Required parameter: name", "required");
    if (state.buckets.has(name)) {
      throw new HttpError(
        409,
        "Your previous request to create the named bucket succeeded and you already own it.",
        "conflict",
      );
    }
    state.buckets.set(name, new Map());
    return respond(200, { kind: "storage#bucket", id: name, name, location: "US", storageClass: "STANDARD" });
  }
  const bucketOnly = /^\/b\/([^/]+)$/.exec(path);
  if (bucketOnly && req.method === "GET") {
    const name = decodeURIComponent(bucketOnly[1] as string);
    state.bucket(name);
    return respond(200, { kind: "storage#bucket", id: name, name });
  }
  const list = /^\/b\/([^/]+)\/o$/.exec(path);
  if (list && req.method === "GET")
    return listObjects(origin, state, decodeURIComponent(list[1] as string), query);
  const object = /^\/b\/([^/]+)\/o\/(.+)$/.exec(path);
  if (object) {
    const bucket = decodeURIComponent(object[1] as string);
    return handleObject(options, origin, state, req, bucket, decodeURIComponent(object[2] as string), query);
  }
  throw new HttpError(404, `Not Found: ${req.method} ${url.pathname}`, "notFound");
}

export async function startGcsTestServer(options: GcsTestServerOptions = {}): Promise<GcsTestServer> {
  const settings: Required<GcsTestServerOptions> = { mediaLastModified: true, ...options };
  let state = new GcsState();
  let requests = 0;
  const serve = (port: number) =>
    Bun.serve({
      hostname: "127.0.0.1",
      port,
      async fetch(req) {
        requests++;
        const origin = new URL(req.url).origin;
        try {
          return await route(settings, origin, state, req);
        } catch (error) {
          if (error instanceof HttpError) return errorResponse(error);
          return errorResponse(new HttpError(500, String(error), "backendError"));
        }
      },
    });
  let server = serve(0);
  const port = server.port as number;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => requests,
    reset() {
      state = new GcsState();
      requests = 0;
    },
    async stopServing() {
      await server.stop(true);
    },
    serveAgain() {
      server = serve(port);
    },
    async stop() {
      await server.stop(true);
    },
  };
}
