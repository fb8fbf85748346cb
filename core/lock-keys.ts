/**
 * Where leases live in a datastore. Every caller (structural commands, writers, the drain,
 * `lock status`, `lock release --force`) must build keys here so they always agree.
 * Per-model leases sit under one prefix per namespace, so the drain lists one small folder
 * instead of walking the whole datastore (docs/architecture.md, "Leases").
 */

/**
 * The global (structural) lease: `.datastore.lock` in solo mode, `{ns}/.datastore.lock` in a
 * namespace, so everything a namespace owns sits under its own prefix.
 */
export function globalLockKey(namespace: string): string {
  return namespace === "" ? ".datastore.lock" : `${namespace}/.datastore.lock`;
}

/** Folder holding every per-model lease: `.locks/models/_solo/` in solo mode, `{ns}/.locks/models/` in a namespace. */
export function modelLockPrefix(namespace: string): string {
  return namespace === "" ? ".locks/models/_solo/" : `${namespace}/.locks/models/`;
}

/** The per-model lease of `type/id`. Types may contain `/` (e.g. `@org/name`). */
export function modelLockKey(namespace: string, type: string, id: string): string {
  return `${modelLockPrefix(namespace)}${type}/${id}.lock`;
}

/** The model a per-model lease key belongs to; split at the right-most `/`. Null if not one. */
export function parseModelLockKey(namespace: string, key: string): { type: string; id: string } | null {
  const prefix = modelLockPrefix(namespace);
  if (!key.startsWith(prefix) || !key.endsWith(".lock")) return null;
  const rest = key.slice(prefix.length, -".lock".length);
  const slash = rest.lastIndexOf("/");
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { type: rest.slice(0, slash), id: rest.slice(slash + 1) };
}
