import { expect, test } from "bun:test";
import { toCatalogRow } from "../../core/catalog-row.ts";
import type { DataMetadata } from "../../core/data-record.ts";

const meta: DataMetadata = {
  id: "id-1",
  name: "state",
  version: 4,
  contentType: "application/json",
  lifetime: "30d",
  garbageCollection: 10,
  streaming: true,
  tags: { type: "resource", modelName: "vpc", specName: "vpc-state", env: "prod", gone: undefined },
  ownerDefinition: {
    ownerType: "workflow-step",
    ownerRef: "wf:job:step",
    workflowId: "wf",
    workflowRunId: "run-9",
    workflowName: "deploy",
    jobName: "job",
    stepName: "step",
    source: "cli",
  },
  createdAt: "2026-01-01T00:00:00.000Z",
  size: 42,
  checksum: "abc",
};

test("toCatalogRow takes names from tags and provenance from the owner", () => {
  expect(toCatalogRow("infra", { type: "aws/ec2/vpc", id: "m-1" }, meta, true)).toEqual({
    namespace: "infra",
    typeNormalized: "aws/ec2/vpc",
    modelId: "m-1",
    dataName: "state",
    id: "id-1",
    version: 4,
    isLatest: true,
    modelName: "vpc",
    specName: "vpc-state",
    dataType: "resource",
    contentType: "application/json",
    lifetime: "30d",
    ownerType: "workflow-step",
    streaming: true,
    size: 42,
    createdAt: "2026-01-01T00:00:00.000Z",
    tags: { type: "resource", modelName: "vpc", specName: "vpc-state", env: "prod" },
    ownerRef: "wf:job:step",
    workflowRunId: "run-9",
    workflowName: "deploy",
    jobName: "job",
    stepName: "step",
    source: "cli",
  });
});

test("toCatalogRow fills absent optional fields with empty values", () => {
  const minimal: DataMetadata = {
    ...meta,
    tags: { type: "file" },
    ownerDefinition: { ownerType: "manual", ownerRef: "cli:vpc" },
    size: undefined,
    streaming: false,
  };
  expect(toCatalogRow("", { type: "t", id: "m" }, minimal, false)).toMatchObject({
    namespace: "",
    isLatest: false,
    modelName: "",
    specName: "",
    dataType: "file",
    size: 0,
    workflowRunId: "",
    workflowName: "",
    jobName: "",
    stepName: "",
    source: "",
  });
});
