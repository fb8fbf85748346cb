import type { CatalogRow } from "../../core/ports/catalog.ts";
import type { ContentReader } from "../../core/ports/content-reader.ts";

/** A catalog row with defaults: latest version 1 of `name` under model `vpc` in solo mode. */
export function queryRow(overrides: Partial<CatalogRow> = {}): CatalogRow {
  const modelName = overrides.modelName ?? "vpc";
  const dataName = overrides.dataName ?? "main";
  const version = overrides.version ?? 1;
  return {
    namespace: "",
    typeNormalized: "aws/ec2/vpc",
    modelId: `id-${modelName}`,
    dataName,
    id: `${modelName}-${dataName}`,
    version,
    isLatest: true,
    modelName,
    specName: "state",
    dataType: "resource",
    contentType: "application/json",
    lifetime: "infinite",
    ownerType: "model-method",
    streaming: false,
    size: 100,
    createdAt: `2026-01-01T00:00:${String(version).padStart(2, "0")}.000Z`,
    tags: { type: overrides.dataType ?? "resource", modelName },
    ownerRef: "",
    workflowRunId: "",
    workflowName: "",
    jobName: "",
    stepName: "",
    source: "",
    ...overrides,
  };
}

/** Content keyed by `ns/modelId/name/version`; counts reads so tests can see what was loaded. */
export class FakeContentReader implements ContentReader {
  readonly contents = new Map<string, string>();
  reads = 0;

  static key(row: Pick<CatalogRow, "namespace" | "modelId" | "dataName" | "version">): string {
    return `${row.namespace}/${row.modelId}/${row.dataName}/${row.version}`;
  }

  set(row: CatalogRow, content: unknown): this {
    this.contents.set(
      FakeContentReader.key(row),
      typeof content === "string" ? content : JSON.stringify(content),
    );
    return this;
  }

  async read(row: CatalogRow): Promise<Uint8Array | null> {
    this.reads++;
    const text = this.contents.get(FakeContentReader.key(row));
    return text === undefined ? null : new TextEncoder().encode(text);
  }
}
