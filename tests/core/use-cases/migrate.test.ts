import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FsFileTree } from "../../../adapters/fs/fs-file-tree.ts";
import { listFiles } from "../../../adapters/fs/tree-copy.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { DataNameKey } from "../../../core/data-record.ts";
import { SwampError } from "../../../core/errors.ts";
import type { FileTree } from "../../../core/ports/file-tree.ts";
import type { SyncProgress } from "../../../core/ports/sync-service.ts";
import {
  isInternalFile,
  type MigrateOptions,
  type MigrationDir,
  migrate,
  planMigration,
} from "../../../core/use-cases/migrate.ts";
import { VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NAME = `aws/ec2/vpc/${VPC.id}/main`;

function write(root: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), body);
  }
}

const read = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");

/** A `data` folder with two versions of one name (and its marker), a workflow run, and leftovers. */
function setup() {
  const base = mkdtempSync(join(tmpdir(), "swamp-migrate-"));
  dirs.push(base);
  const from = join(base, "from");
  const to = join(base, "to");
  write(join(from, "data"), {
    [`${NAME}/1/raw`]: "one",
    [`${NAME}/1/metadata.yaml`]: "version: 1\n",
    [`${NAME}/2/raw`]: "two",
    [`${NAME}/2/metadata.yaml`]: "version: 2\n",
    [`${NAME}/latest`]: "2",
    "_catalog.db": "never moved",
    [`${NAME}/.0f.tmp`]: "a crash leftover",
  });
  write(join(from, "workflow-runs"), { "run-1.yaml": "ok" });
  mkdirSync(to, { recursive: true });
  const deps = { clock: new FakeClock({ start: 0 }), host: systemHost() };
  const dir = (sub: string, destination?: FileTree): MigrationDir => ({
    sub,
    source: new FsFileTree(join(from, sub), deps),
    destination: destination ?? new FsFileTree(join(to, sub), deps),
  });
  const calls: string[] = [];
  const announced: DataNameKey[][] = [];
  const lease = { lost: false, assertHeld: () => {} };
  lease.assertHeld = () => {
    if (lease.lost) throw new SwampError("lock_lost", "lease lost");
  };
  const options = (over: Partial<MigrateOptions> = {}): MigrateOptions => ({
    dirs: [dir("data"), dir("workflow-runs"), dir("outputs")],
    switchTo: async () => {
      calls.push("switch");
    },
    removeSource: true,
    announce: async (names) => {
      calls.push("announce");
      announced.push(names);
    },
    ...over,
  });
  return { from, to, dir, calls, announced, lease, options };
}

describe("migrate", () => {
  test("copies every file but internal ones, verifies, commits, empties the source", async () => {
    const { from, to, calls, announced, lease, options } = setup();
    const result = await migrate({ lease }, options());
    expect(result).toEqual({
      filesCopied: 6,
      bytesCopied: 3 + 11 + 3 + 11 + 1 + 2,
      migrated: ["data", "workflow-runs"],
      problems: [],
      committed: true,
    });
    expect(calls).toEqual(["switch", "announce"]);
    expect(announced).toEqual([[{ type: "aws/ec2/vpc", id: VPC.id, name: "main" }]]);
    expect(read(join(to, "data"), `${NAME}/2/raw`)).toBe("two");
    expect(await listFiles(join(to, "data"))).not.toContain("_catalog.db");
    // Only what was moved leaves the source.
    expect(await listFiles(from)).toEqual(["data/_catalog.db", `data/${NAME}/.0f.tmp`]);
  });

  test("reports each folder's copy file by file, with its bytes", async () => {
    const { lease, options } = setup();
    const seen: SyncProgress[] = [];
    await migrate({ lease }, options({ onProgress: (p) => seen.push(p) }));
    expect(seen.map((p) => `${p.phase} ${p.done}/${p.total}`)).toEqual([
      "copy 1/5",
      "copy 2/5",
      "copy 3/5",
      "copy 4/5",
      "copy 5/5",
      "copy 1/1",
    ]);
    expect(seen[4]).toMatchObject({ bytes: 3 + 11 + 3 + 11 + 1, bytesTotal: 3 + 11 + 3 + 11 + 1 });
    expect(seen[5]).toMatchObject({ bytes: 2, bytesTotal: 2 });
  });

  test("never overwrites a different file: a conflict, nothing committed, the source kept", async () => {
    const { from, to, calls, lease, options } = setup();
    write(join(to, "data"), { [`${NAME}/1/raw`]: "theirs" });
    const result = await migrate({ lease }, options());
    expect(result.problems).toEqual([{ kind: "conflict", sub: "data", path: `${NAME}/1/raw` }]);
    expect(result.committed).toBe(false);
    expect(read(join(to, "data"), `${NAME}/1/raw`)).toBe("theirs");
    expect(read(join(from, "data"), `${NAME}/1/raw`)).toBe("one");
    expect(calls).toEqual([]);
  });

  test("a latest marker that differs is rewritten from the destination's versions, never a conflict", async () => {
    const { to, lease, options } = setup();
    write(join(to, "data"), {
      [`${NAME}/3/raw`]: "three",
      [`${NAME}/3/metadata.yaml`]: "version: 3\n",
      [`${NAME}/latest`]: "1",
    });
    const result = await migrate({ lease }, options());
    expect(result.problems).toEqual([]);
    expect(read(join(to, "data"), `${NAME}/latest`)).toBe("3");
  });

  test("verifies what landed: a destination that drops or garbles a file fails the move", async () => {
    const { from, lease, options, dir, calls } = setup();
    const real = dir("data").destination;
    const lossy: FileTree = {
      location: real.location,
      list: (skip) => real.list(skip),
      digest: (path) => real.digest(path),
      read: (path) => real.read(path),
      remove: (paths) => real.remove(paths),
      refreshLatestMarker: (nameDir) => real.refreshLatestMarker(nameDir),
      copyFrom: async (source, path) => {
        if (path.endsWith("2/raw")) return true;
        return real.copyFrom(source, path);
      },
    };
    const result = await migrate({ lease }, options({ dirs: [dir("data", lossy)] }));
    expect(result.problems).toEqual([
      { kind: "not_landed", sub: "data", files: 5, landed: 4, missing: [`${NAME}/2/raw`] },
    ]);
    expect(result.committed).toBe(false);
    expect(calls).toEqual([]);
    expect(existsSync(join(from, "data", NAME, "2", "raw"))).toBe(true);
  });

  test("a lease lost before the commit, or a failed fence, commits nothing; re-running completes the move", async () => {
    const { from, to, calls, lease, options } = setup();
    let pushed = 0;
    const beforeCommit = async () => {
      pushed++;
      lease.lost = true;
    };
    const lost = await migrate({ lease }, options({ beforeCommit })).catch((e) => e);
    expect(lost.code).toBe("lock_lost");
    expect(pushed).toBe(1);
    lease.lost = false;
    const fence = async () => {
      throw new SwampError("lock_lost", "taken over");
    };
    expect((await migrate({ lease, fence }, options()).catch((e) => e)).message).toBe("taken over");
    expect(calls).toEqual([]);
    expect(read(join(from, "data"), `${NAME}/1/raw`)).toBe("one");

    const again = await migrate({ lease, fence: async () => {} }, options());
    expect(again).toMatchObject({ filesCopied: 0, bytesCopied: 0, problems: [], committed: true });
    expect(calls).toEqual(["switch", "announce"]);
    expect(read(join(to, "data"), `${NAME}/1/raw`)).toBe("one");
  });

  test("with nothing to move it still commits (the repo is switched), and keeps the source when asked", async () => {
    const { from, calls, lease, options } = setup();
    const result = await migrate({ lease }, options({ dirs: [], removeSource: false }));
    expect(result).toMatchObject({ filesCopied: 0, migrated: [], committed: true });
    expect(calls).toEqual(["switch", "announce"]);
    expect(existsSync(join(from, "data", NAME, "1", "raw"))).toBe(true);
  });
});

describe("planMigration", () => {
  test("says what would be copied, kept, refused and rewritten, writing nothing", async () => {
    const { to, dir } = setup();
    write(join(to, "data"), {
      [`${NAME}/1/raw`]: "one",
      [`${NAME}/1/metadata.yaml`]: "other",
      [`${NAME}/latest`]: "1",
    });
    const before = await listFiles(to);
    const plan = await planMigration([dir("data"), dir("outputs")]);
    expect(plan.dirs).toEqual([
      {
        sub: "data",
        files: [
          `${NAME}/1/metadata.yaml`,
          `${NAME}/1/raw`,
          `${NAME}/2/metadata.yaml`,
          `${NAME}/2/raw`,
          `${NAME}/latest`,
        ],
        // "version: 1\n", "one", "version: 2\n", "two", "2".
        bytes: 11 + 3 + 11 + 3 + 1,
        copy: [`${NAME}/2/metadata.yaml`, `${NAME}/2/raw`],
        present: [`${NAME}/1/raw`],
        conflicts: [`${NAME}/1/metadata.yaml`],
        markers: [`${NAME}/latest`],
      },
    ]);
    expect(await listFiles(to)).toEqual(before);
  });

  test("internal files never move", () => {
    for (const rel of ["_catalog.db", "a/_catalog.db-wal", "x/.1.tmp", "n/.latest.mutex", "m/.lock"])
      expect(isInternalFile(rel)).toBe(true);
    for (const rel of ["data/x/raw", "lock", "latest"]) expect(isInternalFile(rel)).toBe(false);
  });
});
