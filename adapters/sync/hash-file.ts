import { readFile } from "node:fs/promises";

export function sha256Hex(bytes: Uint8Array | string): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}

export async function hashFile(path: string): Promise<string> {
  return sha256Hex(await readFile(path));
}
