import { describe, expect, test } from "bun:test";
import { checkReport, type Finding } from "../../../core/doctor/finding.ts";
import { planRepairs } from "../../../core/doctor/repair-plan.ts";

const finding = (subject: string, fields: Partial<Finding>): Finding => ({
  code: "c",
  subject,
  problem: true,
  message: "m",
  fix: "f",
  ...fields,
});

describe("planRepairs", () => {
  test("one repair per problem doctor can fix, in check order; one catalog rebuild; information and other commands' fixes left out", () => {
    const reports = [
      checkReport("leases", [
        finding(".datastore.lock", { repair: { kind: "release_lease", key: ".datastore.lock", nonce: "n" } }),
        finding("held", { problem: false }),
        finding("no repair", {}),
      ]),
      checkReport("index", [finding("k", { repair: { kind: "delete_orphan", key: "k", version: "v" } })]),
      checkReport("catalog", [
        finding("a v1", { repair: { kind: "rebuild_catalog" } }),
        finding("a v2", { repair: { kind: "rebuild_catalog" } }),
      ]),
    ];
    expect(planRepairs(reports).map((p) => [p.code, p.subject])).toEqual([
      ["release_lease", ".datastore.lock"],
      ["delete_orphan", "k"],
      ["rebuild_catalog", "catalog"],
    ]);
    expect(reports.map((r) => r.ok)).toEqual([false, false, false]);
  });

  test("nothing to repair when there is no problem", () => {
    expect(planRepairs([checkReport("leases", [finding("held", { problem: false })])])).toEqual([]);
  });
});
