import { base64 } from "./base64.ts";
import { contentKind, decodeContent } from "./query/record-content.ts";

/**
 * How `data get` shows a version's content (docs/architecture.md, "Reading data"): JSON parsed,
 * text as text, anything else as base64 with `contentEncoding`, so no byte is lost in JSON.
 */
export interface ContentView {
  /** Null when the content is not available here. */
  content: unknown;
  contentEncoding?: "base64";
}

export function contentView(contentType: string, bytes: Uint8Array | null): ContentView {
  if (contentKind(contentType) === "binary") {
    return bytes === null ? { content: null } : { content: base64(bytes), contentEncoding: "base64" };
  }
  return { content: decodeContent(contentType, bytes).content };
}

/** The content as a person reads it: text, indented JSON, or what binary is and how to get it. */
export function contentText(view: ContentView, size: number, getCommand: string): string {
  if (view.contentEncoding === "base64") {
    return `binary content, ${size} bytes; use --raw or --output FILE (e.g. ${getCommand} --output FILE)`;
  }
  return typeof view.content === "string" ? view.content : JSON.stringify(view.content, null, 2);
}
