import { describe, expect, test } from "bun:test";
import { ForeignReadLedger, foreignContentKey } from "../../../core/query/foreign-content.ts";
import { queryRow } from "../../support/query-rows.ts";
import { swampFailure } from "../../support/swamp-failure.ts";

const ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const row = (overrides: Parameters<typeof queryRow>[0] = {}) =>
  queryRow({ namespace: "infra", modelId: ID, ...overrides });

describe("foreignContentKey", () => {
  test("a version's raw under the namespace's data", () => {
    expect(foreignContentKey(row({ version: 3 }))).toEqual({
      ok: true,
      key: `infra/data/aws/ec2/vpc/${ID}/main/3/raw`,
    });
  });

  test("hostile rows never name a key outside {ns}/data/", () => {
    const refused = [
      row({ namespace: "" }),
      row({ namespace: "../x" }),
      row({ namespace: "Infra" }),
      row({ namespace: "data" }),
      row({ dataName: ".." }),
      row({ dataName: "a/../../b" }),
      row({ typeNormalized: "../../other" }),
      row({ typeNormalized: "/abs" }),
      row({ typeNormalized: "" }),
      row({ modelId: "../.." }),
      row({ modelId: "not-a-uuid" }),
      row({ dataName: "x\u0000y" }),
      row({ dataName: "a\\b" }),
      row({ dataName: "name.tmp" }),
      row({ version: 0 }),
      row({ version: 1.5 }),
      // A UUID inside the type would make the path name another model.
      row({ typeNormalized: `aws/${ID}` }),
    ];
    for (const hostile of refused) {
      const key = foreignContentKey(hostile);
      expect({ row: hostile, ok: key.ok }).toEqual({ row: hostile, ok: false });
    }
  });
});

describe("ForeignReadLedger", () => {
  test("one warning per namespace, naming it, the store, the count and the fix", () => {
    const ledger = new ForeignReadLedger("s3://bucket/p");
    ledger.failed("infra", "infra/data/x/raw: not found");
    ledger.failed("infra", "infra/data/y/raw: not found");
    ledger.failed("net", "net/data/z/raw: timeout");
    ledger.succeeded();
    const warnings = ledger.warnings();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('2 record(s) of namespace "infra" from s3://bucket/p');
    expect(warnings[0]).toContain("infra/data/x/raw: not found");
    expect(warnings[0]).toContain("swamp datastore catalog pull --namespaces infra");
    expect(warnings[1]).toContain('1 record(s) of namespace "net"');
    ledger.assertSomeSucceeded();
  });

  test("fails only when every read failed", async () => {
    const none = new ForeignReadLedger("s3://b");
    expect(none.warnings()).toEqual([]);
    none.assertSomeSucceeded();
    const all = new ForeignReadLedger("s3://b");
    all.failed("infra", "gone");
    const err = await swampFailure(Promise.resolve().then(() => all.assertSomeSucceeded()));
    expect(err.code).toBe("query_failed");
    expect(err.message).toContain("swamp datastore catalog pull --namespaces infra");
  });
});
