import { encodeLockBody, isFreeBody, type LockBody, parseLockBody } from "../../core/lease-rules.ts";
import type { ObjectStore, StoredObject } from "../../core/ports/object-store.ts";

/** The lock object as stored, with its parsed body. */
export interface LockObject {
  object: StoredObject;
  body: LockBody | "corrupt";
}

export async function readLockObject(
  store: ObjectStore,
  key: string,
  signal?: AbortSignal,
): Promise<LockObject | null> {
  const object = await store.get(key, signal);
  return object ? { object, body: parseLockBody(object.body) } : null;
}

/**
 * The lock object's version if its body carries `nonce`. Used after a conditional write
 * failed or threw: a retried write may have landed on its first attempt, and only the
 * body can tell whether the lease is ours.
 */
export async function versionIfOurs(
  store: ObjectStore,
  key: string,
  nonce: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const current = await readLockObject(store, key, signal);
  if (!current || current.body === "corrupt" || isFreeBody(current.body)) return null;
  return current.body.nonce === nonce ? current.object.version : null;
}

export function freeLockBody(epoch: number, now: number): Uint8Array {
  return encodeLockBody({ free: true, epoch, releasedAt: new Date(now).toISOString() });
}
