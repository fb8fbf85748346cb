/** The few S3 XML answers the store reads: error bodies and ListObjectsV2 pages. */

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: number;
}

export interface ListPage {
  objects: ListedObject[];
  nextToken: string | undefined;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name] ?? whole;
    const code = name[1] === "x" ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** The text of the first `<tag>` in `xml`, unescaped; undefined when absent. */
function element(xml: string, tag: string): string | undefined {
  const open = xml.indexOf(`<${tag}>`);
  if (open < 0) return undefined;
  const start = open + tag.length + 2;
  const end = xml.indexOf(`</${tag}>`, start);
  return end < 0 ? undefined : unescapeXml(xml.slice(start, end));
}

/** `<Error><Code>…</Code><Message>…</Message></Error>`, as far as the body says. */
export function parseError(xml: string): { code?: string; message?: string } {
  const code = element(xml, "Code");
  const message = element(xml, "Message");
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** One ListObjectsV2 page: its objects in order and the token of the next page, if truncated. */
export function parseListPage(xml: string): ListPage {
  const objects: ListedObject[] = [];
  for (let at = xml.indexOf("<Contents>"); at >= 0; at = xml.indexOf("<Contents>", at)) {
    const end = xml.indexOf("</Contents>", at);
    if (end < 0) break;
    const item = xml.slice(at, end);
    at = end;
    const key = element(item, "Key");
    if (key === undefined) continue;
    objects.push({
      key,
      size: Number(element(item, "Size") ?? 0),
      etag: element(item, "ETag") ?? "",
      lastModified: Date.parse(element(item, "LastModified") ?? ""),
    });
  }
  const truncated = element(xml, "IsTruncated") === "true";
  return { objects, nextToken: truncated ? element(xml, "NextContinuationToken") : undefined };
}
