import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { leaseBody, leaseInfo, writeLease } from "./support/leases.ts";
import { startRemote } from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import type { LockStatusDoc, StatusDoc, StatusNamespaceDoc } from "./support/shapes.ts";
import { expectExit, makeRepo, type Repo, SWAMP_BIN } from "./support/swamp.ts";
import { TmuxSession } from "./support/tmux.ts";

installCleanup();

/** A manifest as `{ns}/.namespace.json` holds it. */
const manifest = (namespace: string, repoId: string, registeredAt = "2026-06-03T09:00:00.000Z") =>
  `${JSON.stringify({ namespace, repoId, registeredAt }, null, 2)}\n`;

function plant(path: string, body: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

/** `writeLease`, creating the lease's folder first. */
function leaseAt(path: string, fields: Parameters<typeof writeLease>[1] = {}) {
  mkdirSync(dirname(path), { recursive: true });
  return writeLease(path, fields);
}

const free = (key: string) => ({ key, held: false, stale: false });

describe("swamp ds status lists every namespace of a folder datastore", () => {
  test("repo, registration, lease and manifest state of each; this repo's own marked; root data as (solo)", async () => {
    const repo = await makeRepo({ SWAMP_NAMESPACE: "infra" });
    const ds = join(repo.dir, ".swamp");
    await put(repo, "m", "main", "v1");
    plant(join(ds, "infra", ".namespace.json"), manifest("infra", repo.repoId));
    plant(
      join(ds, "security", ".namespace.json"),
      manifest("security", "repo-of-security", "2026-06-04T08:00:00.000Z"),
    );
    const bob = leaseAt(join(ds, "security", ".datastore.lock"), { holder: "bob@ci-7" });
    plant(join(ds, "broken", ".namespace.json"), "{ not json");
    plant(join(ds, "orphan", "data", "uat", "x", "main", "1", "raw"), "v");
    plant(join(ds, "outputs", "from-solo-days.json"), "{}");

    const doc = expectExit(await repo.run(["ds", "status", "--json"]), 0).json<StatusDoc>();
    expect(doc.namespace).toBe("infra");
    expect(doc.locks.global).toMatchObject(free("infra/.datastore.lock"));
    expect(doc.namespaces).toEqual<StatusNamespaceDoc[]>([
      {
        namespace: "",
        repoId: "",
        registeredAt: "",
        isCurrent: false,
        state: "solo",
        lease: free(".datastore.lock"),
      },
      {
        namespace: "broken",
        repoId: "",
        registeredAt: "",
        isCurrent: false,
        state: "corrupt",
        problem: "manifest unreadable: not valid JSON",
        lease: free("broken/.datastore.lock"),
      },
      {
        namespace: "infra",
        repoId: repo.repoId,
        registeredAt: "2026-06-03T09:00:00.000Z",
        isCurrent: true,
        state: "registered",
        lease: free("infra/.datastore.lock"),
      },
      {
        namespace: "orphan",
        repoId: "",
        registeredAt: "",
        isCurrent: false,
        state: "missing",
        problem: "no manifest",
        lease: free("orphan/.datastore.lock"),
      },
      {
        namespace: "security",
        repoId: "repo-of-security",
        registeredAt: "2026-06-04T08:00:00.000Z",
        isCurrent: false,
        state: "registered",
        lease: expect.objectContaining({
          key: "security/.datastore.lock",
          held: true,
          stale: false,
          info: bob,
        }),
      },
    ]);

    const text = expectExit(await repo.run(["ds", "status"]), 0).stdout;
    expect(text).toMatch(/^ {6}\(solo\) +solo layout at the datastore root · lease free$/m);
    expect(text).toMatch(/^ {6}broken +manifest unreadable: not valid JSON · lease free$/m);
    expect(text).toMatch(
      new RegExp(`^ {4}▸ infra +repo ${repo.repoId} · registered 2026-06-03 · lease free$`, "m"),
    );
    expect(text).toMatch(/^ {6}orphan +no manifest · lease free$/m);
    expect(text).toMatch(
      /^ {6}security +repo repo-of-security · registered 2026-06-04 · lease bob@ci-7 \(pid 412\) /m,
    );
  });

  test("a solo repo shows its own (solo) row with its repo id and lease", async () => {
    const repo = await makeRepo();
    writeLease(join(repo.dir, ".swamp", ".datastore.lock"), { holder: "bob@ci-7" });
    const doc = expectExit(await repo.run(["ds", "status", "--json"]), 0).json<StatusDoc>();
    expect(doc.namespaces).toEqual([
      expect.objectContaining({
        namespace: "",
        repoId: repo.repoId,
        isCurrent: true,
        state: "solo",
        lease: expect.objectContaining({ key: ".datastore.lock", held: true }),
      }),
    ]);
  });
});

describe("swamp ds lock status in a namespace", () => {
  test("shows the namespace's own lease keys: {ns}/.datastore.lock and {ns}/.locks/models/…", async () => {
    const repo = await makeRepo({ SWAMP_NAMESPACE: "infra" });
    const ds = join(repo.dir, ".swamp");
    const { modelId } = await put(repo, "m", "main", "v1");
    const idle = expectExit(await repo.run(["ds", "lock", "status", "--json"]), 0).json<LockStatusDoc>();
    expect(idle).toMatchObject({ global: free("infra/.datastore.lock"), models: [] });

    const global = leaseAt(join(ds, "infra", ".datastore.lock"), { holder: "bob@ci-7" });
    const model = leaseAt(join(ds, "infra", ".locks", "models", "uat", `${modelId}.lock`), {
      holder: "eve@ci-9",
    });
    // Another namespace's and solo mode's leases are not this repo's.
    leaseAt(join(ds, "security", ".datastore.lock"));
    leaseAt(join(ds, ".locks", "models", "_solo", "uat", `${modelId}.lock`));
    const held = expectExit(await repo.run(["ds", "lock", "status", "--json"]), 0).json<LockStatusDoc>();
    expect(held.global).toMatchObject({ key: "infra/.datastore.lock", held: true, info: global });
    expect(held.models).toEqual([
      expect.objectContaining({
        key: `infra/.locks/models/uat/${modelId}.lock`,
        held: true,
        lockScope: `uat/${modelId}`,
        info: model,
      }),
    ]);
    const text = expectExit(await repo.run(["ds", "lock", "status"]), 0).stdout;
    expect(text).toContain("Global lease (infra/.datastore.lock): bob@ci-7 (pid 412)");
    expect(text).toContain(`Model lease uat/${modelId}: eve@ci-9 (pid 412)`);
  });
});

describe("swamp ds status with two namespaces on one bucket", () => {
  test("the live view in a real terminal shows both namespaces and their leases, and follows the other team's lease", async () => {
    const server = await startRemote("s3");
    const bucket = await server.createBucket();
    const join_ = async (namespace: string): Promise<Repo> => {
      const repo = await makeRepo(server.env);
      const setup = [...server.setupArgs(bucket.name, { prefix: "p" }), "--namespace", namespace, "--json"];
      expectExit(await repo.run(setup), 0);
      await put(repo, "m", "main", `${namespace} data`);
      return repo;
    };
    const infra = await join_("infra");
    const security = await join_("security");

    const doc = expectExit(await security.run(["ds", "status", "--json"]), 0).json<StatusDoc>();
    // `setup --namespace` registered both (their manifests, read back by status).
    expect(
      doc.namespaces.map((n) => [n.namespace, n.repoId, n.isCurrent, n.state, n.lease.key, n.lease.held]),
    ).toEqual([
      ["infra", infra.repoId, false, "registered", "infra/.datastore.lock", false],
      ["security", security.repoId, true, "registered", "security/.datastore.lock", false],
    ]);

    const day = (namespace: string) =>
      doc.namespaces.find((n) => n.namespace === namespace)?.registeredAt.slice(0, 10);
    expect(day("infra")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const term = await TmuxSession.start(`'${SWAMP_BIN}' ds status; echo EXITED-$?`, {
      cwd: security.dir,
      env: security.env,
      width: 80,
      height: 20,
    });
    const row = (namespace: string, rest: string) => new RegExp(`^[ ▸] ${namespace} +${rest}`, "m");
    await term.waitForText([
      /^ {2}NAMESPACE +REPO +REGISTERED +LEASE +SYNC$/m,
      row("infra", `${infra.repoId.slice(0, 8)}… ${day("infra")} +free +—$`),
      row("security", `${security.repoId.slice(0, 8)}… ${day("security")} +free +(clean|\\d+ pending)`),
      "q quit",
    ]);

    // infra takes its global lease (as a structural command of another machine would): the view follows.
    await bucket.put("p/infra/.datastore.lock", leaseBody(leaseInfo({ holder: "bob@ci-7" })));
    const held = await term.waitForText([
      row("infra", ".* bob@ci-7 \\(pid 412\\)"),
      row("security", ".* free "),
    ]);
    for (const line of held.split("\n")) expect(line.length).toBeLessThanOrEqual(80);

    // ...and releases it.
    await bucket.delete("p/infra/.datastore.lock");
    await term.waitForText([row("infra", `${infra.repoId.slice(0, 8)}… ${day("infra")} +free +—$`)]);
    await term.sendKeys("q");
    expect(await term.waitForText(["EXITED-0"])).toContain("EXITED-0");
  });
});
