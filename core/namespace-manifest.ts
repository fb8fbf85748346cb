import { isNamespaceSlug } from "./namespace.ts";

/**
 * A namespace's manifest, `{ns}/.namespace.json` (docs/architecture.md, "Namespaces"): which repo
 * registered the slug and when. Written create-only, so two repos never both own a slug.
 */
export interface NamespaceManifest {
  namespace: string;
  repoId: string;
  registeredAt: string;
}

export const NAMESPACE_MANIFEST = ".namespace.json";

/** Where `namespace`'s manifest lives, relative to the datastore root. */
export function manifestKey(namespace: string): string {
  return `${namespace}/${NAMESPACE_MANIFEST}`;
}

/** 2-space JSON with a trailing newline, as the original swamp CLI writes it. */
export function encodeManifest(manifest: NamespaceManifest): Uint8Array {
  const { namespace, repoId, registeredAt } = manifest;
  return new TextEncoder().encode(`${JSON.stringify({ namespace, repoId, registeredAt }, null, 2)}\n`);
}

/** The manifest stored for `namespace`, or why it cannot be trusted. */
export function decodeManifest(
  namespace: string,
  body: Uint8Array,
): { manifest: NamespaceManifest } | { corrupt: string } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return { corrupt: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { corrupt: "not a JSON object" };
  }
  const { namespace: named, repoId, registeredAt } = value as Record<string, unknown>;
  if (named !== namespace) {
    return { corrupt: `it names namespace ${JSON.stringify(named)}, not "${namespace}"` };
  }
  if (typeof repoId !== "string") return { corrupt: "repoId is not a string" };
  if (typeof registeredAt !== "string" || Number.isNaN(Date.parse(registeredAt))) {
    return { corrupt: "registeredAt is not a date" };
  }
  return { manifest: { namespace, repoId, registeredAt } };
}

/**
 * The top-level folder `key` lies in when that folder can be a namespace (a slug that is not a
 * solo layout entry); null for solo mode's own entries and root files.
 */
export function namespaceOfKey(key: string): string | null {
  const slash = key.indexOf("/");
  if (slash <= 0) return null;
  const top = key.slice(0, slash);
  return isNamespaceSlug(top) ? top : null;
}
