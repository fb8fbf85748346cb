import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsFileTree } from "../../../adapters/fs/fs-file-tree.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { FileTree } from "../../../core/ports/file-tree.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree() {
  const root = mkdtempSync(join(tmpdir(), "swamp-file-tree-"));
  dirs.push(root);
  return { root, tree: new FsFileTree(root, { clock: new FakeClock({ start: 0 }), host: systemHost() }) };
}

describe("FsFileTree", () => {
  test("digest: size and SHA-256 of a file; null for nothing or a folder", async () => {
    const { root, tree: t } = tree();
    writeFileSync(join(root, "a"), "abc");
    mkdirSync(join(root, "d"));
    expect(await t.digest("a")).toEqual({
      size: 3,
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    });
    expect(await t.digest("missing")).toBeNull();
    expect(await t.digest("d")).toBeNull();
    expect(await t.digest("a/below-a-file")).toBeNull();
  });

  test("copyFrom: whole, into new folders, never over a file, leaving no temp", async () => {
    const from = tree();
    const to = tree();
    mkdirSync(join(from.root, "x/y"), { recursive: true });
    writeFileSync(join(from.root, "x/y/f"), "bytes");
    expect(await to.tree.copyFrom(from.tree, "x/y/f")).toBe(true);
    expect(readFileSync(join(to.root, "x/y/f"), "utf8")).toBe("bytes");
    writeFileSync(join(from.root, "x/y/f"), "other");
    expect(await to.tree.copyFrom(from.tree, "x/y/f")).toBe(false);
    expect(readFileSync(join(to.root, "x/y/f"), "utf8")).toBe("bytes");
    expect(readdirSync(join(to.root, "x/y"))).toEqual(["f"]);
  });

  test("copyFrom another kind of tree reads its bytes", async () => {
    const to = tree();
    const other = { read: async () => new TextEncoder().encode("far") } as unknown as FileTree;
    expect(await to.tree.copyFrom(other, "a/b")).toBe(true);
    expect(readFileSync(join(to.root, "a/b"), "utf8")).toBe("far");
  });

  test("remove: the files, then the folders left empty", async () => {
    const { root, tree: t } = tree();
    mkdirSync(join(root, "a/b"), { recursive: true });
    writeFileSync(join(root, "a/b/f"), "1");
    writeFileSync(join(root, "keep"), "1");
    await t.remove(["a/b/f"]);
    expect(readdirSync(root)).toEqual(["keep"]);
    expect(await t.list(() => false)).toEqual(["keep"]);
  });
});
