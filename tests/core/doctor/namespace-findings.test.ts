import { describe, expect, test } from "bun:test";
import { namespaceFindings } from "../../../core/doctor/namespace-findings.ts";

describe("namespaceFindings", () => {
  test("root data in a folder datastore or cache is fixed by the migration", () => {
    const findings = namespaceFindings({
      namespace: "infra",
      roots: [
        { where: "datastore", location: "/srv/ds", folders: [{ subdir: "data", files: 3 }] },
        { where: "cache", location: "/home/u/.swamp/repos/r", folders: [{ subdir: "outputs", files: 1 }] },
      ],
      misplaced: [],
      location: "/srv/ds",
    });
    expect(findings.map((f) => [f.code, f.subject, f.problem, f.fix])).toEqual([
      [
        "root_data",
        "datastore data/",
        true,
        "swamp datastore namespace migrate --confirm (run it without --confirm first to preview)",
      ],
      [
        "root_data",
        "cache outputs/",
        true,
        "swamp datastore namespace migrate --confirm (run it without --confirm first to preview)",
      ],
    ]);
    expect(findings[0]?.message).toBe(
      '3 file(s) of solo-mode data at the datastore root (/srv/ds/data/) while the repo uses namespace "infra": no command reads them there.',
    );
    expect(findings[1]?.message).toContain("a push refuses to run");
    expect(findings.every((f) => f.repair === undefined)).toBe(true);
  });

  test("root data in the bucket names the migration and push, and the objects to delete", () => {
    const [finding] = namespaceFindings({
      namespace: "infra",
      roots: [{ where: "bucket", location: "s3://b/p", folders: [{ subdir: "data", files: 2 }] }],
      misplaced: [],
      location: "s3://b/p",
    });
    expect(finding).toMatchObject({ code: "bucket_root_data", subject: "bucket data/", problem: true });
    expect(finding?.message).toContain("s3://b/p/data/");
    expect(finding?.fix).toContain("swamp datastore namespace migrate --confirm");
    expect(finding?.fix).toContain("swamp datastore sync --push");
    expect(finding?.fix).toContain("delete it with your store's tools");
  });

  test("contamination names both namespaces and the prefix to delete", () => {
    const findings = namespaceFindings({
      namespace: "security",
      roots: [],
      misplaced: [
        { namespace: "infra", prefix: "infra/security/", owner: "security", objects: 4 },
        { namespace: "infra", prefix: "infra/infra/", owner: "infra", objects: 1 },
        { namespace: "infra", prefix: "infra/.locks/models/_solo/", owner: "", objects: 2 },
      ],
      location: "s3://b/p",
    });
    expect(findings.map((f) => [f.code, f.subject])).toEqual([
      ["namespace_contamination", "infra/security/"],
      ["namespace_contamination", "infra/infra/"],
      ["misplaced_solo_leases", "infra/.locks/models/_solo/"],
    ]);
    expect(findings[0]?.message).toContain('namespace "security" nested under namespace "infra"');
    expect(findings[0]?.fix).toContain("s3://b/p/security/");
    expect(findings[0]?.fix).toContain("delete s3://b/p/infra/security/");
    expect(findings[1]?.message).toContain('namespace "infra" nested in itself');
    expect(findings[2]?.fix).toBe("delete s3://b/p/infra/.locks/models/_solo/ with your store's tools");
  });

  test("nothing found, nothing reported", () => {
    expect(
      namespaceFindings({
        namespace: "infra",
        roots: [{ where: "datastore", location: "/d", folders: [] }],
        misplaced: [],
        location: "/d",
      }),
    ).toEqual([]);
  });
});
