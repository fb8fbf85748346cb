import type { ObjectInfo, ObjectStore } from "../../core/ports/object-store.ts";
import { passThrough } from "./pass-through-store.ts";

export type ReadOperation = "get" | "head" | "list";

/**
 * `inner` whose answers to `operations` do not say when an object was written, as a GCS media
 * read without `Last-Modified` does (and a store that never says, with all three).
 */
export function withoutModifiedAt(inner: ObjectStore, operations: readonly ReadOperation[]): ObjectStore {
  const strip = <T extends ObjectInfo>(info: T): T => {
    const { modifiedAt: _dropped, ...rest } = info;
    return rest as T;
  };
  const blind = new Set(operations);
  return passThrough(inner, {
    ...(blind.has("get")
      ? {
          get: async (key, signal) => {
            const object = await inner.get(key, signal);
            return object && strip(object);
          },
        }
      : {}),
    ...(blind.has("head")
      ? {
          head: async (key, signal) => {
            const info = await inner.head(key, signal);
            return info && strip(info);
          },
        }
      : {}),
    ...(blind.has("list")
      ? {
          async *list(prefix, after, signal) {
            for await (const info of inner.list(prefix, after, signal)) yield strip(info);
          },
        }
      : {}),
  });
}
