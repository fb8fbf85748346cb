import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Every file under `roots` (relative to `base`) with the SHA-256 of its bytes; directories end in `/`. */
export function snapshotTree(base: string, roots: string[], ignore: (path: string) => boolean = () => false) {
  const entries: Record<string, string> = {};
  const visit = (abs: string) => {
    const rel = relative(base, abs);
    if (ignore(rel)) return;
    if (statSync(abs).isDirectory()) {
      entries[`${rel}/`] = "dir";
      for (const name of readdirSync(abs).sort()) visit(join(abs, name));
    } else {
      entries[rel] = sha256Hex(readFileSync(abs));
    }
  };
  for (const root of roots) if (existsSync(join(base, root))) visit(join(base, root));
  return entries;
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
