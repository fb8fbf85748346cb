import type { ObjectInfo, ObjectStore } from "../../core/ports/object-store.ts";
import { passThrough } from "./pass-through-store.ts";

/**
 * `inner` on a store whose clock is `skewMs` away from ours (ahead when positive): every time it
 * answers, the object's and its own, is shifted. Lease ages must not notice.
 */
export function skewedClock(inner: ObjectStore, skewMs: number): ObjectStore {
  const shift = <T extends ObjectInfo>(info: T): T => ({
    ...info,
    serverNow: info.serverNow + skewMs,
    ...(info.modifiedAt === undefined ? {} : { modifiedAt: info.modifiedAt + skewMs }),
  });
  return passThrough(inner, {
    get: async (key, signal) => {
      const object = await inner.get(key, signal);
      return object && shift(object);
    },
    head: async (key, signal) => {
      const info = await inner.head(key, signal);
      return info && shift(info);
    },
    async *list(prefix, after, signal) {
      for await (const info of inner.list(prefix, after, signal)) yield shift(info);
    },
  });
}
