import type { CatalogRow } from "../ports/catalog.ts";
import type { RecordField } from "./cel-environment.ts";
import type { DataFunctions } from "./data-functions.ts";
import type { RecordContent } from "./record-content.ts";

/** The row field behind each context field; attributes and content come from the record's bytes. */
export const ROW_FIELD: Readonly<Record<RecordField, keyof CatalogRow | null>> = {
  id: "id",
  name: "dataName",
  version: "version",
  isLatest: "isLatest",
  createdAt: "createdAt",
  attributes: null,
  tags: "tags",
  modelName: "modelName",
  modelId: "modelId",
  modelType: "typeNormalized",
  specName: "specName",
  dataType: "dataType",
  contentType: "contentType",
  lifetime: "lifetime",
  ownerType: "ownerType",
  streaming: "streaming",
  size: "size",
  content: null,
  ownerRef: "ownerRef",
  workflowRunId: "workflowRunId",
  workflowName: "workflowName",
  jobName: "jobName",
  stepName: "stepName",
  source: "source",
  ns: "namespace",
};

/**
 * The CEL context of one catalog row. Getters, not a copied object: cel-js reads only the
 * identifiers an expression names, so a row costs one small allocation and BigInts are made on demand.
 */
export class RecordContext implements Record<RecordField | "data", unknown> {
  constructor(
    private readonly row: CatalogRow,
    private readonly loaded: RecordContent | undefined,
    readonly data: DataFunctions,
  ) {}

  get id() {
    return this.row.id;
  }
  get name() {
    return this.row.dataName;
  }
  get version() {
    return BigInt(this.row.version);
  }
  get isLatest() {
    return this.row.isLatest;
  }
  get createdAt() {
    return this.row.createdAt;
  }
  get attributes() {
    return this.loaded?.attributes ?? null;
  }
  get tags() {
    return this.row.tags;
  }
  get modelName() {
    return this.row.modelName;
  }
  get modelId() {
    return this.row.modelId;
  }
  get modelType() {
    return this.row.typeNormalized;
  }
  get specName() {
    return this.row.specName;
  }
  get dataType() {
    return this.row.dataType;
  }
  get contentType() {
    return this.row.contentType;
  }
  get lifetime() {
    return this.row.lifetime;
  }
  get ownerType() {
    return this.row.ownerType;
  }
  get streaming() {
    return this.row.streaming;
  }
  get size() {
    return BigInt(this.row.size);
  }
  get content() {
    return this.loaded?.content ?? null;
  }
  get ownerRef() {
    return this.row.ownerRef;
  }
  get workflowRunId() {
    return this.row.workflowRunId;
  }
  get workflowName() {
    return this.row.workflowName;
  }
  get jobName() {
    return this.row.jobName;
  }
  get stepName() {
    return this.row.stepName;
  }
  get source() {
    return this.row.source;
  }
  get ns() {
    return this.row.namespace;
  }
}
