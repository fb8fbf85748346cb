import { describe, expect, test } from "bun:test";
import { parseDataPath } from "../../core/data-path.ts";

const ID = "6f0c2a1e-0000-4000-8000-000000000001";

describe("parseDataPath", () => {
  test("finds the type, model id and name of any path under a data name", () => {
    for (const tail of ["main/latest", "main/3/raw", "main/3/metadata.yaml", "main"]) {
      expect(parseDataPath(`data/aws/ec2/vpc/${ID}/${tail}`)).toEqual({
        type: "aws/ec2/vpc",
        id: ID,
        name: "main",
      });
    }
  });

  test("numeric data names are names, not versions", () => {
    expect(parseDataPath(`data/t/${ID}/123/1/raw`)).toEqual({ type: "t", id: ID, name: "123" });
  });

  test("paths that are not under a data name are null", () => {
    expect(parseDataPath(`outputs/t/${ID}/main/raw`)).toBeNull();
    expect(parseDataPath(`data/t/${ID}`)).toBeNull();
    expect(parseDataPath("data/t/not-a-uuid/main/1/raw")).toBeNull();
    expect(parseDataPath("data")).toBeNull();
  });
});
