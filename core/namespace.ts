import { ALWAYS_LOCAL_SUBDIRS, DEFAULT_DATASTORE_SUBDIRS, REPO_LOCAL_DIRS } from "./datastore-subdirs.ts";
import { SwampError } from "./errors.ts";

export const NAMESPACE_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const NAMESPACE_MAX_LENGTH = 64;

/**
 * Names that would sit next to solo-mode layout entries in the datastore root
 * (docs/architecture.md, "Namespaces"), so `{base}/data` could be either solo data or namespace
 * "data". Names that the slug pattern already rejects (`_index`, `.locks`) are listed for the
 * record.
 */
export const RESERVED_NAMESPACES: ReadonlySet<string> = new Set([
  ...DEFAULT_DATASTORE_SUBDIRS,
  ...ALWAYS_LOCAL_SUBDIRS,
  ...REPO_LOCAL_DIRS,
  "_index",
  "_control",
  "_catalog",
  "locks",
  ".locks",
  "models",
  "workflows",
  "vaults",
  "repos",
]);

/** Whether `segment` can name a namespace: a top-level folder of the datastore that is not solo mode's. */
export function isNamespaceSlug(segment: string): boolean {
  return (
    segment.length <= NAMESPACE_MAX_LENGTH &&
    NAMESPACE_PATTERN.test(segment) &&
    !RESERVED_NAMESPACES.has(segment)
  );
}

/** Returns the slug when valid; otherwise throws SwampError("validation_failed") saying how to fix it. */
export function validateNamespace(slug: string): string {
  if (slug.length === 0) {
    throw new SwampError(
      "validation_failed",
      "Namespace must not be empty. Pass a slug such as \"infra\", or run 'swamp datastore namespace unset' for solo mode.",
    );
  }
  if (slug.length > NAMESPACE_MAX_LENGTH) {
    throw new SwampError(
      "validation_failed",
      `Namespace must be at most ${NAMESPACE_MAX_LENGTH} characters, got ${slug.length}. Choose a shorter slug.`,
    );
  }
  if (!NAMESPACE_PATTERN.test(slug)) {
    throw new SwampError(
      "validation_failed",
      `Namespace must match [a-z0-9][a-z0-9-]*: "${slug}". Use lowercase letters, digits and inner hyphens, e.g. "${suggestSlug(slug)}".`,
    );
  }
  if (RESERVED_NAMESPACES.has(slug)) {
    throw new SwampError(
      "validation_failed",
      `Namespace "${slug}" is reserved: it collides with the datastore layout. Choose another slug, e.g. "${slug}-ns".`,
    );
  }
  return slug;
}

function suggestSlug(raw: string): string {
  const slug = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, NAMESPACE_MAX_LENGTH)
    .replace(/-+$/, "");
  if (slug === "") return "infra";
  return RESERVED_NAMESPACES.has(slug) ? `${slug}-ns` : slug;
}

/** A validated namespace, or solo mode (no namespace: byte-identical layout to pre-namespace repos). */
export class Namespace {
  static readonly solo = new Namespace("");

  private constructor(readonly slug: string) {}

  /** Validates `slug`; empty or absent means solo. */
  static of(slug: string | undefined | null): Namespace {
    if (slug === undefined || slug === null || slug === "") return Namespace.solo;
    return new Namespace(validateNamespace(slug));
  }

  get isSolo(): boolean {
    return this.slug === "";
  }

  equals(other: Namespace): boolean {
    return this.slug === other.slug;
  }

  /** The slug, or "" in solo mode. */
  toString(): string {
    return this.slug;
  }

  /** `ns/rel` (or `ns` for an empty rel) when namespaced; `rel` unchanged in solo mode. */
  prefix(rel: string): string {
    if (this.isSolo) return rel;
    return rel === "" ? this.slug : `${this.slug}/${rel}`;
  }
}
