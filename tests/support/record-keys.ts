/**
 * The keys of a query record, in the order its JSON output has always had: pinned here, apart from
 * the code that builds records, so that a change of order fails the tests.
 */
export const RECORD_JSON_KEYS = [
  "id",
  "name",
  "version",
  "isLatest",
  "createdAt",
  "namespace",
  "attributes",
  "tags",
  "modelName",
  "modelId",
  "modelType",
  "specName",
  "dataType",
  "contentType",
  "lifetime",
  "ownerType",
  "streaming",
  "size",
  "content",
  "ownerRef",
  "workflowRunId",
  "workflowName",
  "jobName",
  "stepName",
  "source",
] as const;
