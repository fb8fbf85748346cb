import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Writes `bytes` to `path` through a temporary file next to it: a reader sees the old file or the
 * whole new one, never a part, and a failed write leaves no temporary file behind.
 */
export async function writeFileAtomic(path: string, bytes: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${crypto.randomUUID()}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
