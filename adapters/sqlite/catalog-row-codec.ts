import type { SQLQueryBindings } from "bun:sqlite";
import type { CatalogRow, CatalogSlice } from "../../core/ports/catalog.ts";

type SqlValue = string | number;

/** Each row field's column, and how its SQL value becomes the field's value. */
const COLUMNS: { [F in keyof CatalogRow]: { column: string; decode?: (v: SqlValue) => CatalogRow[F] } } = {
  namespace: { column: "namespace" },
  typeNormalized: { column: "type_normalized" },
  modelId: { column: "model_id" },
  dataName: { column: "data_name" },
  id: { column: "id" },
  version: { column: "version" },
  isLatest: { column: "is_latest", decode: (v) => v === 1 },
  modelName: { column: "model_name" },
  specName: { column: "spec_name" },
  dataType: { column: "data_type" },
  contentType: { column: "content_type" },
  lifetime: { column: "lifetime" },
  ownerType: { column: "owner_type" },
  streaming: { column: "streaming", decode: (v) => v === 1 },
  size: { column: "size" },
  createdAt: { column: "created_at" },
  tags: { column: "tags", decode: (v) => JSON.parse(v as string) as Record<string, string> },
  ownerRef: { column: "owner_ref" },
  workflowRunId: { column: "workflow_run_id" },
  workflowName: { column: "workflow_name" },
  jobName: { column: "job_name" },
  stepName: { column: "step_name" },
  source: { column: "source" },
};

const FIELDS = Object.keys(COLUMNS) as (keyof CatalogRow)[];

/** Every column, in the order `toBindings` and `fromValues` use. */
export const ALL_COLUMNS = FIELDS.map((field) => COLUMNS[field].column).join(", ");

/** Upserts one row, bound with `toBindings`. */
export const INSERT = `INSERT OR REPLACE INTO catalog (${ALL_COLUMNS})
  VALUES (${FIELDS.map(() => "?").join(", ")})`;

export function columnsOf(fields: readonly (keyof CatalogRow)[]): string {
  return fields.map((field) => COLUMNS[field].column).join(", ");
}

export const toBindings = (r: CatalogRow, isLatest: boolean): SQLQueryBindings[] => [
  r.namespace,
  r.typeNormalized,
  r.modelId,
  r.dataName,
  r.id,
  r.version,
  isLatest ? 1 : 0,
  r.modelName,
  r.specName,
  r.dataType,
  r.contentType,
  r.lifetime,
  r.ownerType,
  r.streaming ? 1 : 0,
  r.size,
  r.createdAt,
  JSON.stringify(r.tags),
  r.ownerRef,
  r.workflowRunId,
  r.workflowName,
  r.jobName,
  r.stepName,
  r.source,
];

/** A row from `SELECT rowid, ${ALL_COLUMNS}` as values (arrays are cheaper than bun's row objects). */
export const fromValues = (v: SqlValue[]): CatalogRow => ({
  namespace: v[1] as string,
  typeNormalized: v[2] as string,
  modelId: v[3] as string,
  dataName: v[4] as string,
  id: v[5] as string,
  version: v[6] as number,
  isLatest: v[7] === 1,
  modelName: v[8] as string,
  specName: v[9] as string,
  dataType: v[10] as string,
  contentType: v[11] as string,
  lifetime: v[12] as string,
  ownerType: v[13] as string,
  streaming: v[14] === 1,
  size: v[15] as number,
  createdAt: v[16] as string,
  tags: JSON.parse(v[17] as string) as Record<string, string>,
  ownerRef: v[18] as string,
  workflowRunId: v[19] as string,
  workflowName: v[20] as string,
  jobName: v[21] as string,
  stepName: v[22] as string,
  source: v[23] as string,
});

/** Decodes rows from `SELECT rowid, ${columnsOf(fields)}` as values; the rowid is the row's handle. */
export function sliceDecoder<F extends keyof CatalogRow>(
  fields: readonly F[],
): (v: SqlValue[]) => CatalogSlice<F> {
  const decoders = fields.map((field) => COLUMNS[field].decode ?? ((x: SqlValue) => x));
  return (v) => {
    const slice: Record<string, unknown> = { handle: v[0] };
    for (let i = 0; i < fields.length; i++)
      slice[fields[i] as string] = (decoders[i] as (x: SqlValue) => unknown)(v[i + 1] as SqlValue);
    return slice as CatalogSlice<F>;
  };
}
