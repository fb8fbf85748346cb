import { describe, expect, test } from "bun:test";
import { SwampError } from "../../core/errors.ts";
import { isNamespaceSlug, Namespace, RESERVED_NAMESPACES, validateNamespace } from "../../core/namespace.ts";

function errorOf(fn: () => unknown): SwampError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SwampError) return e;
    throw e;
  }
  throw new Error("expected a SwampError");
}

describe("validateNamespace", () => {
  test.each(["a", "infra", "team-a", "a1-b2", "9", "x".repeat(64)])("accepts %p", (slug) => {
    expect(validateNamespace(slug)).toBe(slug);
  });

  test("rejects more than 64 characters, saying the limit", () => {
    const e = errorOf(() => validateNamespace("a".repeat(65)));
    expect(e.code).toBe("validation_failed");
    expect(e.message).toStartWith("Namespace must be at most 64 characters, got 65");
  });

  test.each(["Infra", "-a", "a-", "a_b", "a.b", "a/b", "..", "a b"])(
    "rejects %p with the pattern message",
    (slug) => {
      const e = errorOf(() => validateNamespace(slug));
      expect(e.code).toBe("validation_failed");
      expect(e.message).toStartWith(`Namespace must match [a-z0-9][a-z0-9-]*: "${slug}".`);
    },
  );

  test("suggests a usable slug", () => {
    expect(errorOf(() => validateNamespace("My Team")).message).toContain('e.g. "my-team"');
    expect(errorOf(() => validateNamespace("DATA")).message).toContain('e.g. "data-ns"');
    expect(errorOf(() => validateNamespace("___")).message).toContain('e.g. "infra"');
  });

  test("rejects empty with a hint about solo mode", () => {
    const e = errorOf(() => validateNamespace(""));
    expect(e.message).toContain("namespace unset");
  });

  test.each([
    "data",
    "outputs",
    "workflow-runs",
    "audit",
    "telemetry",
    "logs",
    "files",
    "auto-definitions",
    "definitions-evaluated",
    "workflows-evaluated",
    "secrets",
    "bundles",
    "vault-bundles",
    "driver-bundles",
    "report-bundles",
    "datastore-bundles",
    "locks",
    "models",
  ])("reserves layout name %p", (slug) => {
    const e = errorOf(() => validateNamespace(slug));
    expect(e.code).toBe("validation_failed");
    expect(e.message).toBe(
      `Namespace "${slug}" is reserved: it collides with the datastore layout. Choose another slug, e.g. "${slug}-ns".`,
    );
  });

  test("lists the layout entries that the slug rule already rejects", () => {
    for (const name of ["_index", "_control", ".locks"]) expect(RESERVED_NAMESPACES.has(name)).toBe(true);
  });
});

describe("Namespace", () => {
  test("solo", () => {
    expect(Namespace.solo.isSolo).toBe(true);
    expect(Namespace.solo.toString()).toBe("");
    expect(Namespace.solo.prefix("data/x")).toBe("data/x");
    expect(Namespace.of("")).toBe(Namespace.solo);
    expect(Namespace.of(undefined)).toBe(Namespace.solo);
    expect(Namespace.of(null)).toBe(Namespace.solo);
  });

  test("namespaced", () => {
    const ns = Namespace.of("infra");
    expect(ns.isSolo).toBe(false);
    expect(ns.slug).toBe("infra");
    expect(`${ns}`).toBe("infra");
    expect(ns.prefix("data/x")).toBe("infra/data/x");
    expect(ns.prefix("")).toBe("infra");
    expect(ns.equals(Namespace.of("infra"))).toBe(true);
    expect(ns.equals(Namespace.solo)).toBe(false);
  });

  test("of validates", () => {
    expect(() => Namespace.of("Bad")).toThrow(SwampError);
    expect(() => Namespace.of("data")).toThrow("reserved");
  });
});

describe("isNamespaceSlug", () => {
  test("a valid slug that is not part of the solo layout", () => {
    expect(isNamespaceSlug("infra")).toBe(true);
    for (const segment of ["data", "_index", ".locks", "Infra", "-x", "a".repeat(65)])
      expect(isNamespaceSlug(segment)).toBe(false);
  });
});
