import type { CatalogRow } from "../ports/catalog.ts";
import type { Finding } from "./finding.ts";
import { REPAIR_COMMAND } from "./fix-commands.ts";

/** What doctor compares of a catalog row: which version of which name, and whether it is latest. */
export type CatalogKey = Pick<CatalogRow, "typeNormalized" | "modelId" | "dataName" | "version" | "isLatest">;

const rowId = (k: CatalogKey) => `${k.typeNormalized}/${k.modelId}/${k.dataName} v${k.version}`;

/**
 * The catalog's rows for a namespace against the rows a rebuild from the datastore would write
 * (docs/architecture.md, "Doctor"): a version on disk without a row is missed by queries, a row
 * without a version answers with data that is gone, a wrong latest flag misleads every query of
 * latest versions. A rebuild fixes all three.
 */
export function catalogFindings(expected: Iterable<CatalogKey>, actual: Iterable<CatalogKey>): Finding[] {
  const want = new Map<string, CatalogKey>();
  for (const key of expected) want.set(rowId(key), key);
  const have = new Map<string, CatalogKey>();
  for (const key of actual) have.set(rowId(key), key);
  const findings: Finding[] = [];
  for (const [id, key] of want) {
    const row = have.get(id);
    if (row === undefined) {
      findings.push(
        rowFinding(
          "catalog_row_missing",
          id,
          "this version is in the datastore but has no catalog row: queries miss it.",
        ),
      );
    } else if (row.isLatest !== key.isLatest) {
      findings.push(
        rowFinding(
          "catalog_latest_wrong",
          id,
          `the catalog ${row.isLatest ? "marks this version as latest, but it is not" : "does not mark this version as latest, but it is"}: queries of latest versions answer wrongly.`,
        ),
      );
    }
  }
  for (const id of have.keys()) {
    if (!want.has(id))
      findings.push(
        rowFinding(
          "catalog_row_extra",
          id,
          "the catalog has a row for a version that is not in the datastore: queries answer with data that is gone.",
        ),
      );
  }
  return findings.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

function rowFinding(code: string, subject: string, message: string): Finding {
  return { code, subject, problem: true, message, fix: REPAIR_COMMAND, repair: { kind: "rebuild_catalog" } };
}
