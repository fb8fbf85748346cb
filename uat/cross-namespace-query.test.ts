import { beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { installCleanup } from "./support/cleanup.ts";
import { joinNamespace } from "./support/namespace-repos.ts";
import { type BucketClient, REMOTE_KINDS, type RemoteServer, startRemote } from "./support/remote.ts";
import { cacheDir, put } from "./support/remote-repo.ts";
import type { ListDoc, QueryDoc, SelectDoc } from "./support/shapes.ts";
import { expectExit, type Repo } from "./support/swamp.ts";

installCleanup();

const PREFIX = "p";
/** In every one of infra's values and nowhere else: found in a file, it is infra's content. */
const MARKER = "infra-only-7f3c";

interface PullDoc {
  pulled: { namespace: string; rows: number }[];
  skipped: unknown[];
  totalRows: number;
}

const infraValue = (x: number) => JSON.stringify({ x, team: MARKER });

async function query(repo: Repo, predicate: string): Promise<string[]> {
  const doc = expectExit(await repo.run(["data", "query", predicate, "--json"]), 0).json<QueryDoc>();
  return doc.results.map((r) => `${r.namespace}:${r.modelName}/${r.name}`).sort();
}

async function select(repo: Repo, predicate: string, expression: string): Promise<unknown[]> {
  const args = ["data", "query", predicate, "--select", expression, "--json"];
  return expectExit(await repo.run(args), 0).json<SelectDoc>().results;
}

/** Every file under `dir` whose path or bytes hold `marker`. */
function filesHolding(dir: string, marker: string): string[] {
  const found: string[] = [];
  const visit = (abs: string) => {
    if (statSync(abs).isDirectory()) for (const name of readdirSync(abs)) visit(join(abs, name));
    else if (abs.includes(marker) || readFileSync(abs).includes(marker)) found.push(abs);
  };
  if (existsSync(dir)) visit(dir);
  return found;
}

/** The bucket key of the one `raw` of infra's `vpc/{name}`. */
async function rawKey(bucket: BucketClient, name: string): Promise<string> {
  const keys = (await bucket.keys(`${PREFIX}/infra/data/`)).filter(
    (key) => key.endsWith("/raw") && key.includes(`/${name}/`),
  );
  expect(keys).toHaveLength(1);
  return keys[0] as string;
}

describe.each(REMOTE_KINDS)("queries across namespaces (%s)", (kind) => {
  let server: RemoteServer;

  beforeAll(async () => {
    server = await startRemote(kind);
  });
  beforeEach(() => server.reset());

  test("security queries infra's records and their content, fetched from the bucket and never cached", async () => {
    const bucket = await server.createBucket();
    const infra = await joinNamespace(server, bucket, "infra", PREFIX);
    const security = await joinNamespace(server, bucket, "security", PREFIX);
    await put(infra, "vpc", "main", infraValue(1));
    await put(infra, "vpc", "edge", infraValue(2));
    await put(security, "scanner", "findings", '{"ok":true}');

    const pull = await security.run(["datastore", "catalog", "pull", "--namespaces", "infra", "--json"]);
    expect(expectExit(pull, 0).json<PullDoc>().pulled).toEqual([{ namespace: "infra", rows: 2 }]);

    expect(await query(security, 'ns == "infra" && modelName == "vpc"')).toEqual([
      "infra:vpc/edge",
      "infra:vpc/main",
    ]);
    expect(await select(security, 'ns == "infra" && name == "main"', "attributes.x")).toEqual([1]);
    expect(await query(security, 'ns == "infra" && attributes.x == 2')).toEqual(["infra:vpc/edge"]);
    // The namespace column shows once the results span namespaces.
    const table = expectExit(await security.run(["data", "query", 'name != ""']), 0).stdout;
    expect(table).toContain("│ namespace │");
    expect(table).toMatch(/│ infra +│ main/);
    expect(table).toMatch(/│ security +│ findings/);

    // data.* routes by namespace; `*:vpc` resolves while only infra has a vpc.
    const routed = (call: string) => query(security, `modelName == "scanner" && ${call}`);
    expect(await routed('data.latest("infra:vpc", "main").attributes.x == 1')).toEqual([
      "security:scanner/findings",
    ]);
    expect(await routed('data.latest("infra:vpc", "main").attributes.x == 2')).toEqual([]);
    expect(await routed('data.latest("*:vpc", "edge").attributes.x == 2')).toEqual([
      "security:scanner/findings",
    ]);
    await put(security, "vpc", "main", '{"x":100}');
    const ambiguous = await security.run([
      "data",
      "query",
      'modelName == "scanner" && data.latest("*:vpc", "main").attributes.x == 1',
      "--json",
    ]);
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.errorJson().error).toContain(
      'Ambiguous: "vpc" exists in namespaces [infra, security], qualify with a namespace prefix',
    );
    // A bare model is security's own.
    expect(await routed('data.latest("vpc", "main").attributes.x == 100')).toEqual([
      "security:scanner/findings",
    ]);

    // data list: a bare model is security's own, `infra:vpc` infra's, `*:vpc` both with a NAMESPACE column.
    const listed = async (model: string) =>
      expectExit(await security.run(["data", "list", model, "--json"]), 0)
        .json<ListDoc>()
        .groups.flatMap((g) => g.items.map((i) => `${i.namespace ?? "-"}/${i.name}@${i.version}`));
    expect(await listed("vpc")).toEqual(["-/main@1"]);
    expect(await listed("infra:vpc")).toEqual(["-/edge@1", "-/main@1"]);
    expect(await listed("*:vpc")).toEqual(["infra/edge@1", "infra/main@1", "security/main@1"]);
    const listTable = expectExit(await security.run(["data", "list", "*:vpc"]), 0).stdout;
    expect(listTable).toMatch(/^ {2}infra {5}edge {2}v1/m);
    expect(listTable).toMatch(/^ {2}security {2}main {2}v1/m);
    const unknown = await security.run(["data", "list", "infra:nothing", "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.errorJson().error).toContain("swamp datastore catalog pull --namespaces <ns>");

    expect(filesHolding(cacheDir(security), MARKER)).toEqual([]);
    expect(existsSync(join(cacheDir(security), "infra"))).toBe(false);
  });

  test("a failed read is reported once and its record does not match; the query fails only when every read failed", async () => {
    const bucket = await server.createBucket();
    const infra = await joinNamespace(server, bucket, "infra", PREFIX);
    const security = await joinNamespace(server, bucket, "security", PREFIX);
    await put(infra, "vpc", "main", infraValue(1));
    await put(infra, "vpc", "edge", infraValue(1));
    await put(infra, "vpc", "spare", infraValue(1));
    expectExit(await security.run(["datastore", "catalog", "pull", "--namespaces", "infra", "--json"]), 0);
    await bucket.delete(await rawKey(bucket, "edge"));
    await bucket.delete(await rawKey(bucket, "spare"));

    const run = await security.run(["data", "query", 'ns == "infra" && attributes.x == 1', "--json"]);
    const doc = expectExit(run, 0).json<QueryDoc>();
    expect(doc.results.map((r) => r.name)).toEqual(["main"]);
    const warnings = run.stderr.split("\n").filter((line) => line.includes("Could not read the content"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('2 record(s) of namespace \\"infra\\"');
    expect(warnings[0]).toContain("swamp datastore catalog pull --namespaces infra");

    await bucket.delete(await rawKey(bucket, "main"));
    const none = await security.run(["data", "query", 'ns == "infra" && attributes.x == 1', "--json"]);
    expect(none.code).not.toBe(0);
    expect(none.errorJson()).toMatchObject({ code: "query_failed" });
    expect(none.errorJson().error).toContain("every read");
    expect(filesHolding(cacheDir(security), MARKER)).toEqual([]);
  });
});
