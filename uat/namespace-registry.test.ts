import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import { installCleanup } from "./support/cleanup.ts";
import { REMOTE_KINDS, startRemote } from "./support/remote.ts";
import { put } from "./support/remote-repo.ts";
import type { ErrorDoc, ListDoc, NamespaceListDoc, NamespaceSetDoc, SetupDoc } from "./support/shapes.ts";
import { type Env, expectExit, makeRepo, type Repo, type RunResult, tempDir } from "./support/swamp.ts";

installCleanup();

/**
 * One datastore several repos share, seen through swamp and through an independent client
 * (the vendor's SDK, or plain file access): keys are relative to the datastore root.
 */
interface Place {
  name: string;
  env: Env;
  /** `ds setup … --json`, with `--namespace <ns>` when given. */
  setupArgs(namespace?: string): string[];
  keys(under: string): Promise<string[]>;
  read(key: string): Promise<Uint8Array | null>;
  write(key: string, body: string | Uint8Array): Promise<void>;
  remove(key: string): Promise<void>;
}

const PREFIX = "p";

async function bucketPlace(kind: "s3" | "gcs"): Promise<Place> {
  const server = await startRemote(kind);
  const bucket = await server.createBucket();
  const full = (key: string) => `${PREFIX}/${key}`;
  return {
    name: kind,
    env: server.env,
    setupArgs: (ns) => [
      ...server.setupArgs(bucket.name, { prefix: PREFIX }),
      ...(ns === undefined ? [] : ["--namespace", ns]),
      "--json",
    ],
    keys: async (under) => (await bucket.keys(full(under))).map((k) => k.slice(PREFIX.length + 1)),
    read: (key) => bucket.get(full(key)),
    write: (key, body) => bucket.put(full(key), body),
    remove: (key) => bucket.delete(full(key)),
  };
}

function folderPlace(): Place & { root: string } {
  const root = tempDir("shared");
  const walk = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))],
        )
      : [];
  return {
    root,
    name: "folder",
    env: {},
    setupArgs: (ns) => [
      "datastore",
      "setup",
      "filesystem",
      "--path",
      root,
      ...(ns === undefined ? [] : ["--namespace", ns]),
      "--json",
    ],
    keys: async (under) => walk(join(root, under)).sort(),
    read: async (key) => (existsSync(join(root, key)) ? readFileSync(join(root, key)) : null),
    write: async (key, body) => {
      mkdirSync(dirname(join(root, key)), { recursive: true });
      writeFileSync(join(root, key), body);
    },
    remove: async (key) => rmSync(join(root, key), { force: true }),
  };
}

const yamlOf = (repo: Repo) => readFileSync(join(repo.dir, ".swamp.yaml"));

async function listed(
  repo: Repo,
  args = ["datastore", "namespace", "list", "--json"],
): Promise<NamespaceListDoc> {
  return expectExit(await repo.run(args), 0).json<NamespaceListDoc>();
}

/** `data list <model> --json`: the names there are. */
async function names(repo: Repo, model: string): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "list", model, "--json"]), 0).json<ListDoc>();
  return doc.groups.flatMap((g) => g.items.map((i) => i.name)).sort();
}

/** The run failed (exit 1) with a JSON error whose message contains every one of `parts`. */
function refused(r: RunResult, ...parts: string[]): ErrorDoc {
  expectExit(r, 1);
  const doc = r.errorJson();
  for (const part of parts) expect(doc.error).toContain(part);
  return doc;
}

const INVALID_SLUGS: [string, string][] = [
  ["Infra", "Namespace must match [a-z0-9][a-z0-9-]*"],
  ["-lead", "Namespace must match [a-z0-9][a-z0-9-]*"],
  ["trail-", "Namespace must match [a-z0-9][a-z0-9-]*"],
  ["a_b", "Namespace must match [a-z0-9][a-z0-9-]*"],
  ["n".repeat(65), "Namespace must be at most 64 characters, got 65"],
  ["data", 'Namespace "data" is reserved'],
];

const places: Record<string, () => Promise<Place>> = {
  s3: () => bucketPlace("s3"),
  gcs: () => bucketPlace("gcs"),
  folder: async () => folderPlace(),
};

describe.each([...REMOTE_KINDS, "folder"])("namespaces on one shared datastore (%s)", (kind) => {
  let place: Place;
  let infra: Repo;
  let security: Repo;
  let third: Repo;

  beforeAll(async () => {
    place = await (places[kind] as () => Promise<Place>)();
    [infra, security, third] = [
      await makeRepo(place.env),
      await makeRepo(place.env),
      await makeRepo(place.env),
    ];
    for (const [repo, ns] of [
      [infra, "infra"],
      [security, "security"],
    ] as const) {
      await put(repo, "vpc", `${ns}-net`, `{"team":"${ns}"}`);
      const setup = expectExit(await repo.run(place.setupArgs(ns)), 0).json<SetupDoc>();
      expect(setup).toMatchObject({ namespace: ns, errors: [], warnings: [], directoriesMigrated: ["data"] });
    }
  });

  test("each repo registered its namespace: list shows both with their repo, and which is this repo's", async () => {
    const fromInfra = await listed(infra);
    expect(fromInfra.currentNamespace).toBe("infra");
    expect(fromInfra.namespaces.map(({ registeredAt: _, ...row }) => row)).toEqual([
      { namespace: "infra", repoId: infra.repoId, isCurrent: true, state: "registered" },
      { namespace: "security", repoId: security.repoId, isCurrent: false, state: "registered" },
    ]);
    for (const row of fromInfra.namespaces) expect(Number.isNaN(Date.parse(row.registeredAt))).toBe(false);
    // The alias, via `ds`, from the other team's repo.
    const fromSecurity = await listed(security, ["ds", "namespaces", "--json"]);
    expect(fromSecurity.namespaces.map((r) => [r.namespace, r.isCurrent])).toEqual([
      ["infra", false],
      ["security", true],
    ]);
    // SWAMP_NAMESPACE overrides .swamp.yaml's namespace.
    const overridden = await infra.run(["ds", "namespace", "list", "--json"], {
      env: { SWAMP_NAMESPACE: "security" },
    });
    expect(expectExit(overridden, 0).json<NamespaceListDoc>().currentNamespace).toBe("security");

    const table = expectExit(await infra.run(["ds", "namespace", "list"]), 0).stdout;
    expect(table).toContain("NAMESPACE");
    expect(table).toMatch(new RegExp(`│ infra +│ ${infra.repoId} │ \\d{4}-\\d\\d-\\d\\d │ \\* +│`));
  });

  test("a solo setup beside them warns and names them; a third repo claiming infra is refused, nothing changes", async () => {
    await put(third, "vpc", "third-net", '{"team":"third"}');
    const solo = expectExit(await third.run(place.setupArgs()), 0).json<SetupDoc>();
    expect(solo.warnings).toEqual([
      { message: expect.stringContaining("--namespace <slug>"), existingNamespaces: ["infra", "security"] },
    ]);
    const human = expectExit(await third.run(place.setupArgs().slice(0, -1)), 0);
    expect(human.stdout).toContain("already holds namespaces (infra, security)");

    const yaml = yamlOf(third);
    const infraKeys = await place.keys("infra/");
    expect(infraKeys).toContain("infra/.namespace.json");
    const manifest = await place.read("infra/.namespace.json");
    refused(
      await third.run(place.setupArgs("infra")),
      'Namespace "infra" is already registered',
      infra.repoId,
    );
    refused(
      await third.run(["datastore", "namespace", "set", "infra", "--json"]),
      'Namespace "infra" is already registered',
      infra.repoId,
    );
    expect(yamlOf(third)).toEqual(yaml);
    expect(await place.keys("infra/")).toEqual(infraKeys);
    expect(await place.read("infra/.namespace.json")).toEqual(manifest);
    expect(await names(third, "vpc")).toEqual(["third-net"]);
  });

  test("a new repo with local data claiming infra by setup: refused before anything moves", async () => {
    const fresh = await makeRepo(place.env);
    await put(fresh, "vpc", "fresh-net", "{}");
    const yaml = yamlOf(fresh);
    const local = readdirSync(join(fresh.dir, ".swamp", "data"), { recursive: true }).sort();
    const infraKeys = await place.keys("infra/");
    refused(
      await fresh.run(place.setupArgs("infra")),
      'Namespace "infra" is already registered',
      infra.repoId,
    );
    expect(yamlOf(fresh)).toEqual(yaml);
    expect(readdirSync(join(fresh.dir, ".swamp", "data"), { recursive: true }).sort()).toEqual(local);
    expect(await place.keys("infra/")).toEqual(infraKeys);
    expect(await names(fresh, "vpc")).toEqual(["fresh-net"]);
  });

  test("invalid slugs are refused with the rule, by set and by setup, and .swamp.yaml stays as it was", async () => {
    const yaml = yamlOf(third);
    for (const [slug, rule] of INVALID_SLUGS) {
      // "-lead" is read as the slug, not as an unknown option.
      refused(await third.run(["datastore", "namespace", "set", slug, "--json"]), rule);
      refused(await third.run(place.setupArgs(slug)), rule);
    }
    expect(yamlOf(third)).toEqual(yaml);
  });

  test("set registers and switches; old un-namespaced data is warned about; the current one is refused", async () => {
    const set = expectExit(
      await third.run(["ds", "namespace", "set", "ops", "--json"]),
      0,
    ).json<NamespaceSetDoc>();
    expect(set).toMatchObject({ namespace: "ops", registrationSkipped: false });
    expect(set.previousNamespace).toBeUndefined();
    expect(set.warning).toContain("swamp datastore namespace migrate --confirm");
    expect(readFileSync(join(third.dir, ".swamp.yaml"), "utf8")).toContain("namespace: ops");

    const again = refused(
      await third.run(["ds", "namespace", "set", "ops", "--json"]),
      'Namespace is already set to "ops".',
    );
    expect(again.code).toBe("validation_failed");
    const moved = await third.run(["ds", "namespace", "set", "ops-2"]);
    expectExit(moved, 0);
    expect(moved.stderr).toContain("Changing namespace from ops to ops-2");
    expect(moved.stdout).toContain('Namespace set to "ops-2"');
    const rows = (await listed(third)).namespaces;
    expect(rows.map((r) => [r.namespace, r.repoId, r.isCurrent])).toEqual([
      ["infra", infra.repoId, false],
      ["ops", third.repoId, false],
      ["ops-2", third.repoId, true],
      ["security", security.repoId, false],
    ]);
  });

  test("a corrupt manifest: a clear line in list, and every other command still works", async () => {
    const original = await place.read("security/.namespace.json");
    if (original === null) throw new Error("security has no manifest");
    await place.write("security/.namespace.json", "{ not json");
    try {
      const row = (await listed(infra)).namespaces.find((r) => r.namespace === "security");
      expect(row).toMatchObject({ state: "corrupt", repoId: "", isCurrent: false });
      expect(row?.problem).toContain("security/.namespace.json");
      expect(row?.problem).toContain("cannot be read (not valid JSON)");
      const human = expectExit(await infra.run(["ds", "namespace", "list"]), 0).stdout;
      expect(human).toContain("security: its manifest security/.namespace.json");
      for (const [repo, ns] of [
        [security, "security"],
        [infra, "infra"],
      ] as const) {
        await put(repo, "vpc", `${ns}-after-corrupt`, "{}");
        expect(await names(repo, "vpc")).toEqual([`${ns}-after-corrupt`, `${ns}-net`]);
      }
    } finally {
      await place.write("security/.namespace.json", original);
    }
  });

  test("the configured namespace without a manifest keeps working; list says so; set registers it again", async () => {
    await place.remove("infra/.namespace.json");
    const yaml = yamlOf(infra);
    await put(infra, "vpc", "infra-unregistered", "{}");
    expect(await names(infra, "vpc")).toContain("infra-unregistered");
    const row = (await listed(infra)).namespaces.find((r) => r.namespace === "infra");
    expect(row).toMatchObject({ state: "missing", isCurrent: true, repoId: "" });
    expect(row?.problem).toContain("keeps working");
    expect(row?.problem).toContain("swamp datastore namespace set infra");

    const again = await infra.run(["ds", "namespace", "set", "infra"]);
    expectExit(again, 0);
    expect(again.stdout).toContain("registered again");
    expect(yamlOf(infra)).toEqual(yaml);
    expect((await listed(infra)).namespaces.find((r) => r.namespace === "infra")).toMatchObject({
      state: "registered",
      repoId: infra.repoId,
    });
  });
});

describe("SWAMP_DATASTORE keeps the namespace", () => {
  test("a repo in namespace infra, pointed at its folder by SWAMP_DATASTORE, is still in infra", async () => {
    const place = folderPlace();
    const repo = await makeRepo();
    expectExit(await repo.run(place.setupArgs("infra")), 0);
    const r = await repo.run(["ds", "namespace", "list", "--json"], {
      env: { SWAMP_DATASTORE: `filesystem:${place.root}` },
    });
    expect(expectExit(r, 0).json<NamespaceListDoc>()).toEqual({
      namespaces: [
        {
          namespace: "infra",
          repoId: repo.repoId,
          registeredAt: expect.any(String),
          isCurrent: true,
          state: "registered",
        },
      ],
      currentNamespace: "infra",
    });
  });
});

describe("namespace set in a repo on its own .swamp folder", () => {
  test("without a datastore block, set writes the default folder's block; the warning only when data stays behind", async () => {
    const empty = await makeRepo();
    const quiet = expectExit(await empty.run(["ds", "namespace", "set", "infra", "--json"]), 0);
    expect(quiet.json<NamespaceSetDoc>()).toEqual({
      namespace: "infra",
      datastorePath: join(empty.dir, ".swamp"),
      registrationSkipped: false,
    });
    expect(parse(readFileSync(join(empty.dir, ".swamp.yaml"), "utf8"))).toEqual({
      repoId: empty.repoId,
      datastore: { type: "filesystem", path: ".swamp", namespace: "infra" },
    });

    const withData = await makeRepo();
    await put(withData, "vpc", "old", "{}");
    const warned = expectExit(await withData.run(["ds", "namespace", "set", "infra"]), 0);
    expect(warned.stdout).toContain("Warning: Existing data remains at the old un-namespaced path");
    // Its own folder: another repo's "infra" elsewhere is no conflict, and new data lands under it.
    await put(withData, "vpc", "new", "{}");
    expect(await names(withData, "vpc")).toEqual(["new"]);
  });
});
