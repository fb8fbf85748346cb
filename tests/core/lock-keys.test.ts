import { describe, expect, test } from "bun:test";
import { globalLockKey, modelLockKey, modelLockPrefix, parseModelLockKey } from "../../core/lock-keys.ts";

describe("lock keys", () => {
  test("globalLockKey: solo and namespaced", () => {
    expect(globalLockKey("")).toBe(".datastore.lock");
    expect(globalLockKey("infra")).toBe(".locks/infra.lock");
  });

  test("modelLockKey: under one prefix per namespace, solo as _solo", () => {
    expect(modelLockKey("", "aws-ec2", "web")).toBe(".locks/models/_solo/aws-ec2/web.lock");
    expect(modelLockKey("infra", "@org/name", "m1")).toBe(".locks/models/infra/@org/name/m1.lock");
    expect(modelLockKey("infra", "t", "i").startsWith(modelLockPrefix("infra"))).toBe(true);
    expect(modelLockPrefix("")).toBe(".locks/models/_solo/");
  });

  test("parseModelLockKey: splits at the right-most slash, rejects foreign keys", () => {
    expect(parseModelLockKey("infra", modelLockKey("infra", "@org/name", "m1"))).toEqual({
      type: "@org/name",
      id: "m1",
    });
    expect(parseModelLockKey("infra", modelLockKey("other", "t", "i"))).toBeNull();
    expect(parseModelLockKey("infra", ".locks/infra.lock")).toBeNull();
    expect(parseModelLockKey("infra", ".locks/models/infra/onlyid.lock")).toBeNull();
  });
});
