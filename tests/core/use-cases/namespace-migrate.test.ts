import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { FsFileTree } from "../../../adapters/fs/fs-file-tree.ts";
import { listFiles } from "../../../adapters/fs/tree-copy.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import { SwampError } from "../../../core/errors.ts";
import type { FileTree } from "../../../core/ports/file-tree.ts";
import {
  migrateNamespace,
  type NamespaceMove,
  type NamespaceMoveSteps,
  NO_NAMESPACE_CONFIGURED,
  planNamespaceMove,
} from "../../../core/use-cases/namespace-migrate.ts";
import { VPC } from "../../support/data-fixtures.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const bases: string[] = [];
afterEach(() => {
  for (const d of bases.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NAME = `aws/ec2/vpc/${VPC.id}/main`;
const SOLO = {
  [`data/${NAME}/1/raw`]: "one",
  [`data/${NAME}/1/metadata.yaml`]: "version: 1\n",
  [`data/${NAME}/2/raw`]: "two",
  [`data/${NAME}/2/metadata.yaml`]: "version: 2\n",
  [`data/${NAME}/latest`]: "2",
  "workflow-runs/run-1.yaml": "ok",
};

function write(root: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), body);
  }
}

const deps = { clock: new FakeClock({ start: 0 }), host: systemHost() };

/** A datastore base holding the solo layout's files; `wrap` may replace any folder's tree (to inject a crash). */
function datastore(files: Record<string, string> = SOLO) {
  const base = mkdtempSync(join(tmpdir(), "swamp-ns-migrate-"));
  bases.push(base);
  write(base, files);
  let wrap = (_rel: string, tree: FileTree): FileTree => tree;
  const move = (over: Partial<NamespaceMove> = {}): NamespaceMove => ({
    namespace: "infra",
    reverse: false,
    subdirs: ["data", "outputs", "workflow-runs"],
    tree: (rel) => wrap(rel, new FsFileTree(rel === "" ? base : join(base, rel), deps)),
    refuseOtherNamespaces: false,
    ...over,
  });
  const calls: string[] = [];
  const steps: NamespaceMoveSteps = {
    beforeCopy: async () => void calls.push("beforeCopy"),
    beforeCommit: async () => void calls.push("beforeCommit"),
    commit: async () => void calls.push("commit"),
    announce: async (names) => void calls.push(`announce ${names.length}`),
    afterCommit: async () => void calls.push("afterCommit"),
  };
  const lease = { lost: false, assertHeld: () => {} };
  lease.assertHeld = () => {
    if (lease.lost) throw new SwampError("lock_lost", "lease lost");
  };
  return {
    base,
    move,
    steps,
    calls,
    lease,
    files: () => listFiles(base),
    injure: (fn: typeof wrap) => {
      wrap = fn;
    },
  };
}

const under = (ns: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([rel, body]) => [`${ns}/${rel}`, body]));

/** The message `p` fails with (it must fail). */
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return (e as Error).message;
};

/** The message of the SwampError `p` fails with (it must fail with one). */
const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SwampError);
  return (e as SwampError).message;
};

describe("planNamespaceMove", () => {
  test("per subdirectory, the files and bytes the solo layout would move into the namespace; writes nothing", async () => {
    const ds = datastore();
    const before = await ds.files();
    const plan = await planNamespaceMove(ds.move());
    expect(plan.dirs.map((d) => [d.sub, d.files.length, d.bytes])).toEqual([
      ["data", 5, 3 + 11 + 3 + 11 + 1],
      ["workflow-runs", 1, 2],
    ]);
    expect(await ds.files()).toEqual(before);
  });

  test("requires a namespace", async () => {
    const ds = datastore();
    expect(await refusal(planNamespaceMove(ds.move({ namespace: "" })))).toBe(NO_NAMESPACE_CONFIGURED);
  });

  test("in a bucket's cache, another namespace's folder refuses the forward move, naming it", async () => {
    const ds = datastore({ ...SOLO, ...under("security", { "data/x/1/raw": "theirs" }) });
    const message = await refusal(planNamespaceMove(ds.move({ refuseOtherNamespaces: true })));
    expect(message).toStartWith("Local cache contains data from other namespaces: security ");
    expect(message).toContain(join(ds.base, "security"));
    // A folder datastore is shared on purpose: other namespaces there are expected.
    expect((await planNamespaceMove(ds.move())).dirs.length).toBe(2);
  });

  test("a file at the destination with other bytes refuses the whole move, listing it; nothing is written", async () => {
    const ds = datastore({ ...SOLO, ...under("infra", { [`data/${NAME}/1/raw`]: "ONE" }) });
    const before = await ds.files();
    const message = await refusal(
      migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps).then(() => undefined),
    );
    expect(message).toStartWith("Cannot migrate: 1 file(s) already exist at the destination");
    expect(message).toContain(join(ds.base, "infra", "data", NAME, "1", "raw"));
    expect(await ds.files()).toEqual(before);
    expect(ds.calls).toEqual([]);
  });

  test("reverse: refused when the solo layout already holds data of its own", async () => {
    const ds = datastore({ ...under("infra", SOLO), "data/other/1/raw": "solo data" });
    const message = await refusal(planNamespaceMove(ds.move({ reverse: true })));
    expect(message).toBe(
      `Cannot reverse-migrate: "data" already exists at "${join(ds.base, "data")}" (for example data/other/1/raw). Remove or rename it first. Nothing was moved.`,
    );
  });

  test("reverse: copies of the namespace's own files (an interrupted reverse move) do not refuse it", async () => {
    const ds = datastore({
      ...under("infra", SOLO),
      [`data/${NAME}/1/raw`]: "one",
      [`data/${NAME}/latest`]: "1",
    });
    const plan = await planNamespaceMove(ds.move({ reverse: true }));
    expect(plan.dirs.find((d) => d.sub === "data")?.present).toEqual([`${NAME}/1/raw`]);
  });
});

describe("migrateNamespace", () => {
  test("reverse, once done, has nothing left to move: the solo layout's data does not refuse it", async () => {
    const ds = datastore();
    const plan = await planNamespaceMove(ds.move({ reverse: true }));
    expect(plan.dirs).toEqual([]);
  });

  test("reverse killed while the namespace folder is emptied after its commit: running it again removes the rest", async () => {
    const ds = datastore(under("infra", SOLO));
    ds.injure((rel, tree) => {
      if (rel !== "infra/data") return tree;
      return Object.assign(Object.create(tree) as FileTree, {
        remove: async (paths: readonly string[]) => {
          await tree.remove(paths.slice(0, 2));
          throw new Error("killed");
        },
      });
    });
    expect(await failure(migrateNamespace({ lease: ds.lease }, ds.move({ reverse: true }), ds.steps))).toBe(
      "killed",
    );
    expect((await ds.files()).filter((f) => f.startsWith("infra/data/")).length).toBe(3);

    ds.injure((_rel, tree) => tree);
    const again = await migrateNamespace({ lease: ds.lease }, ds.move({ reverse: true }), ds.steps);
    expect(again.result).toMatchObject({ committed: true, filesCopied: 0 });
    expect(await ds.files()).toEqual(Object.keys(SOLO).sort());
  });

  test("forward then reverse: every file moves into the namespace folder and back, byte for byte", async () => {
    const ds = datastore();
    const forward = await migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps);
    expect(forward.result).toMatchObject({
      committed: true,
      migrated: ["data", "workflow-runs"],
      problems: [],
    });
    expect(await ds.files()).toEqual(Object.keys(under("infra", SOLO)).sort());
    expect(ds.calls).toEqual(["beforeCopy", "beforeCommit", "commit", "announce 1", "afterCommit"]);

    const back = await migrateNamespace({ lease: ds.lease }, ds.move({ reverse: true }), ds.steps);
    expect(back.result.committed).toBe(true);
    expect(await ds.files()).toEqual(Object.keys(SOLO).sort());
    for (const [rel, body] of Object.entries(SOLO))
      expect(readFileSync(join(ds.base, rel), "utf8")).toBe(body);
  });

  test("with nothing left to move it still commits, so a run killed after its commit is finished", async () => {
    const ds = datastore(under("infra", SOLO));
    const { plan, result } = await migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps);
    expect(plan.dirs).toEqual([]);
    expect(result.committed).toBe(true);
    expect(ds.calls).toEqual(["commit", "announce 0", "afterCommit"]);
  });

  test("killed half-way through the copy: nothing left the source, and running it again completes the move", async () => {
    const ds = datastore();
    let copies = 0;
    ds.injure((rel, tree) => {
      if (!rel.startsWith("infra/")) return tree;
      return Object.assign(Object.create(tree) as FileTree, {
        copyFrom: async (source: FileTree, path: string) => {
          if (++copies === 3) throw new Error("killed");
          return tree.copyFrom(source, path);
        },
      });
    });
    expect(await failure(migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps))).toBe("killed");
    const halfway = await ds.files();
    for (const rel of Object.keys(SOLO)) expect(halfway).toContain(rel);
    // Copies run a few at once: those already under way when the third failed may land too.
    const landed = halfway.filter((f) => f.startsWith("infra/")).length;
    expect(landed).toBeGreaterThanOrEqual(2);
    expect(landed).toBeLessThan(Object.keys(SOLO).length);
    expect(ds.calls).toEqual(["beforeCopy"]);

    ds.injure((_rel, tree) => tree);
    const again = await migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps);
    expect(again.result.committed).toBe(true);
    const present = again.plan.dirs.reduce((sum, d) => sum + d.present.length, 0);
    expect(present).toBe(landed);
    expect(await ds.files()).toEqual(Object.keys(under("infra", SOLO)).sort());
  });

  test("killed while the source is emptied after the commit: running it again removes the rest", async () => {
    const ds = datastore();
    ds.injure((rel, tree) => {
      if (rel !== "data") return tree;
      return Object.assign(Object.create(tree) as FileTree, {
        remove: async (paths: readonly string[]) => {
          await tree.remove(paths.slice(0, 2));
          throw new Error("killed");
        },
      });
    });
    expect(await failure(migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps))).toBe("killed");
    expect((await ds.files()).filter((f) => f.startsWith("data/")).length).toBe(3);

    ds.injure((_rel, tree) => tree);
    const again = await migrateNamespace({ lease: ds.lease }, ds.move(), ds.steps);
    expect(again.result).toMatchObject({ committed: true, filesCopied: 0 });
    expect(await ds.files()).toEqual(Object.keys(under("infra", SOLO)).sort());
  });

  test("a lease lost before the commit commits nothing and removes nothing at the source", async () => {
    const ds = datastore();
    const steps = {
      ...ds.steps,
      beforeCommit: async () => {
        ds.lease.lost = true;
      },
    };
    const message = await refusal(migrateNamespace({ lease: ds.lease }, ds.move(), steps));
    expect(message).toBe("lease lost");
    for (const rel of Object.keys(SOLO)) expect(await ds.files()).toContain(rel);
    expect(ds.calls).toEqual(["beforeCopy"]);
  });
});
