import { describe, expect, test } from "bun:test";
import { GRACE_PERIOD_MS } from "../../../core/doctor/grace-period.ts";
import {
  type BucketFacts,
  indexFindings,
  type ListedObject,
  type MetaReading,
  type ShardReading,
} from "../../../core/doctor/index-findings.ts";
import type { IndexEntry } from "../../../core/sync/sync-index.ts";
import { FakeClock } from "../../support/fake-clock.ts";

const MODEL = "data/aws/ec2/vpc/6f0c2a1e-0000-4000-8000-000000000001";
const PK = "data--aws--ec2--vpc--6f0c2a1e-0000-4000-8000-000000000001";
const SHARD = `_index/${PK}.0123456789abcdef.json`;
const RAW = `${MODEL}/main/1/raw`;
const META_YAML = `${MODEL}/main/1/metadata.yaml`;

const entry = (c: string): IndexEntry => ({ size: 1, sha256: c.repeat(64), modifiedAt: 0 });

function read(shard: ShardReading, commitSeq = 3): MetaReading {
  return {
    kind: "read",
    meta: {
      version: 2,
      commitSeq,
      partitions: new Map([[PK, { key: SHARD, sha256: "f".repeat(64), entries: 2 }]]),
      committedAt: "",
    },
    shards: new Map([[PK, shard]]),
  };
}

const indexed: ShardReading = {
  entries: new Map([
    [RAW, entry("a")],
    [META_YAML, entry("b")],
  ]),
};

describe("indexFindings", () => {
  const clock = new FakeClock();
  /** Listed now, written `ageMs` ago on the store's clock. */
  const object = (rel: string, ageMs = 0): ListedObject => ({
    rel,
    version: `v:${rel}`,
    modifiedAt: clock.now() - ageMs,
    serverNow: clock.now(),
  });
  const healthy = () => ["_index/_meta.json", SHARD, RAW, META_YAML].map((rel) => object(rel));
  const facts = (overrides: Partial<BucketFacts>): BucketFacts => ({
    prefix: "",
    meta: read(indexed),
    listed: healthy(),
    known: { commitSeq: 3, partitions: [PK] },
    graceMs: GRACE_PERIOD_MS,
    cacheHolds: () => false,
    ...overrides,
  });

  test("an index whose objects are all there, and nothing else: no finding", () => {
    expect(indexFindings(facts({}))).toEqual([]);
  });

  test("an object the index names that the store lacks: fixed by a republish, from this clone when it holds the bytes", () => {
    const listed = healthy().filter((o) => o.rel !== RAW);
    const [here] = indexFindings(
      facts({ listed, cacheHolds: (rel, sha) => rel === RAW && sha === "a".repeat(64) }),
    );
    expect(here).toMatchObject({
      code: "object_missing",
      subject: RAW,
      problem: true,
      fix: "swamp datastore sync --republish",
    });
    expect(here?.message).toContain("this clone's cache holds it");
    expect(here?.repair).toBeUndefined();
    const [elsewhere] = indexFindings(facts({ listed }));
    expect(elsewhere?.message).toContain("run the fix in a clone whose cache holds it");
  });

  test("orphans, old latest markers and unreferenced shards: information while young, problems with exact deletions after the grace period", async () => {
    const strays = [
      `${MODEL}/ghost/1/raw`,
      `${MODEL}/main/latest`,
      `_index/${PK}.fedcba9876543210.json`,
    ] as const;
    const young = indexFindings(facts({ listed: [...healthy(), ...strays.map((rel) => object(rel))] }));
    expect(young).toEqual([
      expect.objectContaining({ code: "unindexed_recent", subject: "3 object(s)", problem: false }),
    ]);

    const old = indexFindings(
      facts({ listed: [...healthy(), ...strays.map((rel) => object(rel, GRACE_PERIOD_MS))] }),
    );
    expect(old.map((f) => [f.code, f.subject, f.repair])).toEqual([
      ["object_orphan", strays[0], { kind: "delete_orphan", key: strays[0], version: `v:${strays[0]}` }],
      ["object_orphan", strays[1], { kind: "delete_orphan", key: strays[1], version: `v:${strays[1]}` }],
      [
        "index_shard_unreferenced",
        strays[2],
        { kind: "delete_shard", key: strays[2], version: `v:${strays[2]}` },
      ],
    ]);
    expect(old[1]?.message).toContain("an old 'latest' marker");
    expect(old.every((f) => f.problem && f.fix === "swamp doctor --repair -y")).toBe(true);
  });

  test("leases, engine files, hostile keys and (solo) other namespaces are never called orphans", () => {
    const others = [
      ".datastore.lock",
      ".locks/models/_solo/t/m.lock",
      ".swamp-changes.log",
      "data/../../x",
      "infra/data/t/m/n/1/raw",
      "infra/_index/_meta.json",
    ];
    const old = others.map((rel) => object(rel, GRACE_PERIOD_MS * 10));
    expect(indexFindings(facts({ listed: [...healthy(), ...old] }))).toEqual([]);
  });

  test("namespaced: keys carry the prefix, and repairs name the full key", () => {
    const listed = [...healthy(), object(`${MODEL}/ghost/1/raw`, GRACE_PERIOD_MS)];
    const [found] = indexFindings(facts({ prefix: "infra/", listed }));
    expect(found?.subject).toBe(`infra/${MODEL}/ghost/1/raw`);
    expect(found?.repair).toEqual({
      kind: "delete_orphan",
      key: `infra/${MODEL}/ghost/1/raw`,
      version: `v:${MODEL}/ghost/1/raw`,
    });
  });

  test("a damaged index is reported alone: nothing is judged an orphan against it", () => {
    const stray = object(`${MODEL}/ghost/1/raw`, GRACE_PERIOD_MS);
    const cases: [Partial<BucketFacts>, string][] = [
      [{ meta: { kind: "unreadable", reason: "not a JSON object" } }, "index_unreadable"],
      [{ meta: read(indexed, 2) }, "index_regressed"],
      [{ meta: { kind: "absent" } }, "index_regressed"],
      [{ meta: read({ missing: true }) }, "index_shard_missing"],
      [{ meta: read({ unreadable: "its checksum does not match the meta" }) }, "index_shard_unreadable"],
      [{ meta: { kind: "absent" }, known: { commitSeq: -1, partitions: [] } }, "index_missing"],
    ];
    for (const [overrides, code] of cases) {
      const found = indexFindings(facts({ listed: [...healthy(), stray], ...overrides }));
      expect(found.map((f) => [f.code, f.problem, f.fix])).toEqual([
        [code, true, "swamp datastore sync --republish"],
      ]);
    }
    const vanished = indexFindings(facts({ meta: { kind: "absent" } }));
    expect(vanished[0]?.message).toContain("it has vanished (this clone last synced at commit 3)");
  });

  test("an index of a later format is not damage to republish over: the fix is a newer swamp", () => {
    const found = indexFindings(
      facts({ meta: { kind: "unreadable", reason: "written by a newer swamp (index version 4)" } }),
    );
    expect(found.map((f) => [f.code, f.fix])).toEqual([["index_newer", "swamp doctor"]]);
    expect(found[0]?.message).toContain("Upgrade swamp");
  });

  test("an empty store without an index is a new datastore: nothing to say", () => {
    const found = indexFindings(
      facts({ meta: { kind: "absent" }, listed: [], known: { commitSeq: -1, partitions: [] } }),
    );
    expect(found).toEqual([]);
  });
});
