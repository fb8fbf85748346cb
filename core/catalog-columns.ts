import type { DataMetadata, DataTags, ModelKey, OwnerDefinition } from "./data-record.ts";

/**
 * The catalog's columns, each defined once (docs/architecture.md, "Catalog"): the row field, how a
 * version's metadata gives it, how it is stored and, for those queries see, the name CEL reads it
 * by. `CatalogRow`, `toCatalogRow`, the SQLite table's column list and codec, the CEL field types
 * and the query record's row fields are all derived from this table.
 */

/** How a column is stored, and the type of its row field. */
export interface ColumnStorageTypes {
  text: string;
  integer: number;
  boolean: boolean;
  /** A string map, stored as JSON text. */
  json: Record<string, string>;
}

export type ColumnStorage = keyof ColumnStorageTypes;

/** What one version's row is read from: `toCatalogRow`'s arguments. */
export interface ColumnSource {
  namespace: string;
  model: ModelKey;
  meta: DataMetadata;
  /** `meta.ownerDefinition`, which older records may lack. */
  owner: OwnerDefinition | undefined;
  isLatest: boolean;
}

interface ColumnOf<S extends ColumnStorage> {
  /** The SQL column's name. Never renamed: existing catalogs hold it. */
  sql: string;
  storage: S;
  /** What the column holds when a write leaves it out; none: every write must give it. */
  default?: ColumnStorageTypes[S];
  /** The field's value for one version. */
  read: (source: ColumnSource) => ColumnStorageTypes[S];
  /** The identifier queries read it by (its CEL type follows from `storage`); none: not queryable. */
  cel?: string;
  /** Its key in `data query` results and `data.*` records when that is not `cel`. */
  recordKey?: string;
}

/** One column; `storage` says which type its default and its value have. */
export type CatalogColumn = { [S in ColumnStorage]: ColumnOf<S> }[ColumnStorage];

/** The tags without the keys whose value is undefined. */
function definedTags(tags: DataTags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Every column, in the SQL table's order (the order the codec binds and reads them). To add one,
 * add it here (at the end) and bump the schema version in adapters/sqlite/catalog-schema.ts.
 */
// biome-ignore format: one column a line, read as a table
export const CATALOG_COLUMNS = {
  namespace: { sql: "namespace", storage: "text", default: "", read: (s) => s.namespace, cel: "ns", recordKey: "namespace" },
  typeNormalized: { sql: "type_normalized", storage: "text", read: (s) => s.model.type, cel: "modelType" },
  modelId: { sql: "model_id", storage: "text", read: (s) => s.model.id, cel: "modelId" },
  dataName: { sql: "data_name", storage: "text", read: (s) => s.meta.name, cel: "name" },
  id: { sql: "id", storage: "text", read: (s) => s.meta.id, cel: "id" },
  version: { sql: "version", storage: "integer", read: (s) => s.meta.version, cel: "version" },
  isLatest: { sql: "is_latest", storage: "boolean", default: true, read: (s) => s.isLatest, cel: "isLatest" },
  modelName: { sql: "model_name", storage: "text", read: (s) => s.meta.tags.modelName ?? "", cel: "modelName" },
  specName: { sql: "spec_name", storage: "text", default: "", read: (s) => s.meta.tags.specName ?? "", cel: "specName" },
  dataType: { sql: "data_type", storage: "text", default: "", read: (s) => s.meta.tags.type ?? "", cel: "dataType" },
  contentType: { sql: "content_type", storage: "text", default: "", read: (s) => s.meta.contentType ?? "", cel: "contentType" },
  lifetime: { sql: "lifetime", storage: "text", default: "", read: (s) => s.meta.lifetime ?? "", cel: "lifetime" },
  ownerType: { sql: "owner_type", storage: "text", default: "", read: (s) => s.owner?.ownerType ?? "", cel: "ownerType" },
  streaming: { sql: "streaming", storage: "boolean", default: false, read: (s) => s.meta.streaming === true, cel: "streaming" },
  size: { sql: "size", storage: "integer", default: 0, read: (s) => s.meta.size ?? 0, cel: "size" },
  createdAt: { sql: "created_at", storage: "text", read: (s) => s.meta.createdAt, cel: "createdAt" },
  tags: { sql: "tags", storage: "json", default: {}, read: (s) => definedTags(s.meta.tags), cel: "tags" },
  ownerRef: { sql: "owner_ref", storage: "text", default: "", read: (s) => s.owner?.ownerRef ?? "", cel: "ownerRef" },
  workflowRunId: { sql: "workflow_run_id", storage: "text", default: "", read: (s) => s.owner?.workflowRunId ?? "", cel: "workflowRunId" },
  workflowName: { sql: "workflow_name", storage: "text", default: "", read: (s) => s.owner?.workflowName ?? "", cel: "workflowName" },
  jobName: { sql: "job_name", storage: "text", default: "", read: (s) => s.owner?.jobName ?? "", cel: "jobName" },
  stepName: { sql: "step_name", storage: "text", default: "", read: (s) => s.owner?.stepName ?? "", cel: "stepName" },
  source: { sql: "source", storage: "text", default: "", read: (s) => s.owner?.source ?? "", cel: "source" },
} as const satisfies Record<string, CatalogColumn>;

type Columns = typeof CATALOG_COLUMNS;

/** A row field's name. */
export type CatalogField = keyof Columns;

/** One row of the catalog: one field per column, of its storage's type. */
export type CatalogRowFields = { -readonly [F in CatalogField]: ColumnStorageTypes[Columns[F]["storage"]] };

/** The row fields in column order. */
export const CATALOG_FIELDS = Object.keys(CATALOG_COLUMNS) as readonly CatalogField[];

/** The fields queries see: those whose column has a CEL name. */
export type QueryableField = {
  [F in CatalogField]: Columns[F] extends { cel: string } ? F : never;
}[CatalogField];

/** The CEL identifier of a queryable field. */
export type CelNameOf<F extends QueryableField> = Columns[F]["cel"];

/** A queryable field's key in `data query` results: its `recordKey`, else its CEL name. */
export type RecordKeyOf<F extends QueryableField> = Columns[F] extends { recordKey: infer K extends string }
  ? K
  : CelNameOf<F>;

/** The storage type of a field. */
export type StorageOf<F extends CatalogField> = Columns[F]["storage"];

/** The queryable fields, in column order. */
export const QUERYABLE_FIELDS: readonly QueryableField[] = CATALOG_FIELDS.filter(
  (field): field is QueryableField => "cel" in CATALOG_COLUMNS[field],
);
