import { describe, expect, test } from "bun:test";
import { base64 } from "../../core/base64.ts";
import { contentText, contentView } from "../../core/content-view.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("contentView", () => {
  test("JSON is parsed, text stays text, neither is encoded", () => {
    expect(contentView("application/json", bytes('{"a":1}'))).toEqual({ content: { a: 1 } });
    expect(contentView("text/plain; charset=utf-8", bytes("hi\n"))).toEqual({ content: "hi\n" });
    expect(contentView("application/json", bytes("{broken"))).toEqual({ content: "{broken" });
  });

  test("anything else is base64 with contentEncoding, every byte kept", () => {
    const raw = new Uint8Array([0, 255, 254, 0xc3, 0x28, 10]);
    const view = contentView("application/octet-stream", raw);
    expect(view).toEqual({ content: "AP/+wygK", contentEncoding: "base64" });
    expect(new Uint8Array(Buffer.from(view.content as string, "base64"))).toEqual(raw);
  });

  test("content not available here is null, whatever its type", () => {
    expect(contentView("application/octet-stream", null)).toEqual({ content: null });
    expect(contentView("application/json", null)).toEqual({ content: null });
  });
});

describe("contentText", () => {
  test("binary says what it is and how to get it; JSON is indented; text is as is", () => {
    const binary = contentView("image/png", new Uint8Array([1, 2, 3]));
    expect(contentText(binary, 3, "swamp data get m n")).toBe(
      "binary content, 3 bytes; use --raw or --output FILE (e.g. swamp data get m n --output FILE)",
    );
    expect(contentText({ content: { a: 1 } }, 7, "x")).toBe('{\n  "a": 1\n}');
    expect(contentText({ content: "plain" }, 5, "x")).toBe("plain");
  });
});

describe("base64", () => {
  test("matches the runtime's encoding across chunk boundaries", () => {
    for (const size of [0, 1, 2, 3, 0x8000 - 1, 0x8000, 0x8000 * 2 + 7]) {
      const data = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
      expect(base64(data)).toBe(Buffer.from(data).toString("base64"));
    }
  });
});
