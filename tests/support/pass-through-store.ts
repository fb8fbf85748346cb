import type { ObjectStore } from "../../core/ports/object-store.ts";

/** `inner` with some operations replaced: the base of every misbehaving store in the suites. */
export function passThrough(
  inner: ObjectStore,
  overrides: Partial<Omit<ObjectStore, "description">>,
): ObjectStore {
  return {
    description: inner.description,
    head: (key, signal) => inner.head(key, signal),
    get: (key, signal) => inner.get(key, signal),
    put: (key, body, when, signal) => inner.put(key, body, when, signal),
    delete: (key, when, signal) => inner.delete(key, when, signal),
    list: (prefix, after, signal) => inner.list(prefix, after, signal),
    ...overrides,
  };
}
