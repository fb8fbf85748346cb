/**
 * A `multipart/related` upload body (the JSON API's `uploadType=multipart`): the object's
 * metadata, then its bytes, in one request. Metadata carrying `crc32c` makes the server check
 * the bytes before it stores anything.
 */
export function multipartUpload(
  metadata: Record<string, string>,
  media: Uint8Array,
): { contentType: string; body: Uint8Array } {
  const boundary = `swamp-${crypto.randomUUID()}`;
  const head = new TextEncoder().encode(
    `--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
      `--${boundary}\r\ncontent-type: ${metadata.contentType ?? "application/octet-stream"}\r\n\r\n`,
  );
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.byteLength + media.byteLength + tail.byteLength);
  body.set(head, 0);
  body.set(media, head.byteLength);
  body.set(tail, head.byteLength + media.byteLength);
  return { contentType: `multipart/related; boundary=${boundary}`, body };
}
