import { describe, expect, test } from "bun:test";
import { partitionKey } from "../../../core/sync/partition-key.ts";

const ID = "0b6c9a52-8f1e-4d7a-9c39-1f0d2a6b7c11";

describe("partitionKey", () => {
  test("model data: type segments and the model id, wherever the file sits under it", () => {
    expect(partitionKey(`data/aws/ec2/${ID}/web/1/raw`)).toBe(`data--aws--ec2--${ID}`);
    expect(partitionKey(`data/aws/ec2/${ID}/web/1/metadata.yaml`)).toBe(`data--aws--ec2--${ID}`);
    expect(partitionKey(`data/@org/name/${ID}/web/1/raw`)).toBe(`data--@org--name--${ID}`);
  });

  test("the latest marker lands in its model's partition", () => {
    expect(partitionKey(`data/aws/ec2/${ID}/web/latest`)).toBe(partitionKey(`data/aws/ec2/${ID}/web/3/raw`));
    expect(partitionKey(`data/single/${ID}/n/latest`)).toBe(`data--single--${ID}`);
  });

  test("outputs and evaluated definitions use the same rule; without a UUID the first three dirs", () => {
    expect(partitionKey(`definitions-evaluated/aws/${ID}/def.yaml`)).toBe(
      `definitions-evaluated--aws--${ID}`,
    );
    expect(partitionKey("outputs/aws/run/def-2026-01-01T00-00-00-000Z.yaml")).toBe("outputs--aws--run");
    expect(partitionKey("data/x.yaml")).toBe("data");
    expect(partitionKey("data/a/b/c/d/e")).toBe("data--a--b");
  });

  test("workflow runs by workflow id; other subdirs by subdir; root files in _root", () => {
    expect(partitionKey("workflow-runs/wf-1/workflow-run-9.yaml")).toBe("workflow-runs--wf-1");
    expect(partitionKey("audit/2026/01/log.jsonl")).toBe("audit");
    expect(partitionKey("files/blob.bin")).toBe("files");
    expect(partitionKey(".catalog-export.json")).toBe("_root");
  });
});
