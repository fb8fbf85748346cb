import { describe, expect, test } from "bun:test";
import { globalLockKey, modelLockKey, modelLockPrefix, parseModelLockKey } from "../../core/lock-keys.ts";

describe("lock keys", () => {
  test("globalLockKey: solo at the root, a namespace's under its own prefix", () => {
    expect(globalLockKey("")).toBe(".datastore.lock");
    expect(globalLockKey("infra")).toBe("infra/.datastore.lock");
  });

  test("modelLockKey: a namespace's under its own prefix, solo as _solo", () => {
    expect(modelLockKey("", "aws-ec2", "web")).toBe(".locks/models/_solo/aws-ec2/web.lock");
    expect(modelLockKey("infra", "@org/name", "m1")).toBe("infra/.locks/models/@org/name/m1.lock");
    expect(modelLockKey("infra", "t", "i").startsWith(modelLockPrefix("infra"))).toBe(true);
    expect(modelLockPrefix("")).toBe(".locks/models/_solo/");
  });

  test("parseModelLockKey: splits at the right-most slash, rejects foreign keys", () => {
    expect(parseModelLockKey("infra", modelLockKey("infra", "@org/name", "m1"))).toEqual({
      type: "@org/name",
      id: "m1",
    });
    expect(parseModelLockKey("infra", modelLockKey("other", "t", "i"))).toBeNull();
    expect(parseModelLockKey("infra", "infra/.datastore.lock")).toBeNull();
    expect(parseModelLockKey("infra", "infra/.locks/models/onlyid.lock")).toBeNull();
  });
});
