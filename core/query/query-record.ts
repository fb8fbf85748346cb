import type { CatalogRow } from "../ports/catalog.ts";
import type { ContentReader } from "../ports/content-reader.ts";
import { contentKind, decodeContent, needsBytes, type RecordContent } from "./record-content.ts";

/**
 * One data version as `data query` and the `data.*` functions return it (docs/architecture.md,
 * "Queries").
 */
export interface DataRecord {
  id: string;
  name: string;
  version: number;
  isLatest: boolean;
  createdAt: string;
  namespace: string;
  attributes: unknown;
  tags: Record<string, string>;
  modelName: string;
  modelId: string;
  modelType: string;
  specName: string;
  dataType: string;
  contentType: string;
  lifetime: string;
  ownerType: string;
  streaming: boolean;
  size: number;
  content: unknown;
  ownerRef: string;
  workflowRunId: string;
  workflowName: string;
  jobName: string;
  stepName: string;
  source: string;
}

/** The same record inside CEL, where integers are BigInt. */
export type CelDataRecord = Omit<DataRecord, "version" | "size"> & { version: bigint; size: bigint };

function recordOf<N>(row: CatalogRow, loaded: RecordContent, int: (n: number) => N) {
  return {
    id: row.id,
    name: row.dataName,
    version: int(row.version),
    isLatest: row.isLatest,
    createdAt: row.createdAt,
    namespace: row.namespace,
    attributes: loaded.attributes,
    tags: row.tags,
    modelName: row.modelName,
    modelId: row.modelId,
    modelType: row.typeNormalized,
    specName: row.specName,
    dataType: row.dataType,
    contentType: row.contentType,
    lifetime: row.lifetime,
    ownerType: row.ownerType,
    streaming: row.streaming,
    size: int(row.size),
    content: loaded.content,
    ownerRef: row.ownerRef,
    workflowRunId: row.workflowRunId,
    workflowName: row.workflowName,
    jobName: row.jobName,
    stepName: row.stepName,
    source: row.source,
  };
}

/** The `data query` result form: `content` is parsed JSON for JSON records and "" otherwise. */
export function toDataRecord(row: CatalogRow, loaded: RecordContent): DataRecord {
  const content = contentKind(row.contentType) === "json" ? loaded.content : "";
  return recordOf(row, { attributes: loaded.attributes, content }, Number);
}

export function toCelRecord(row: CatalogRow, loaded: RecordContent): CelDataRecord {
  return recordOf(row, loaded, BigInt);
}

const CONCURRENT_READS = 16;

/** Decoded content of each row, reading bytes only for records whose exposed values depend on them. */
export async function loadContents(
  rows: readonly CatalogRow[],
  reader: ContentReader,
): Promise<RecordContent[]> {
  const out: RecordContent[] = new Array(rows.length);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      const row = rows[i] as CatalogRow;
      out[i] = decodeContent(row.contentType, needsBytes(row.contentType) ? await reader.read(row) : null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, rows.length) }, worker));
  return out;
}
