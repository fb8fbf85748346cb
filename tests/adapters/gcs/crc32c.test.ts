import { describe, expect, test } from "bun:test";
import { crc32c, crc32cBase64 } from "../../../adapters/gcs/crc32c.ts";

describe("crc32c", () => {
  test("matches the standard check value and GCS's base64 big-endian form", () => {
    const check = new TextEncoder().encode("123456789");
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc32cBase64(check)).toBe("4waSgw==");
    expect(crc32cBase64(new Uint8Array())).toBe("AAAAAA==");
  });
});
