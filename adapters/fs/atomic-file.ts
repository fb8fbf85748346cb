import { processTempName } from "../../core/temp-files.ts";
import { fsp } from "./lazy-fs.ts";
import { dirname, join } from "./paths.ts";

/**
 * Writes `bytes` to `path` through a temporary file next to it: a reader sees the old file or the
 * whole new one, never a part, and a failed write leaves no temporary file behind.
 */
export async function writeFileAtomic(path: string, bytes: string | Uint8Array): Promise<void> {
  // Named by this process, so a sync can sweep it from its state dir once the process is gone.
  const tmp = join(dirname(path), processTempName(process.pid, crypto.randomUUID()));
  try {
    await fsp().writeFile(tmp, bytes);
    await fsp().rename(tmp, path);
  } catch (e) {
    await fsp().rm(tmp, { force: true });
    throw e;
  }
}
