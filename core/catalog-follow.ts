import { backfillCatalog } from "./catalog-backfill.ts";
import { refreshCatalogNames } from "./catalog-refresh.ts";
import type { Catalog } from "./ports/catalog.ts";
import type { ChangeFeed } from "./ports/change-feed.ts";
import type { DataRepository } from "./ports/data-repository.ts";

/** Past this many changed names, one walk of the datastore costs less than reading each name. */
export const REFRESH_NAMES_MAX = 2000;

export type FollowOutcome =
  | { kind: "current" }
  | { kind: "refreshed"; names: number; rows: number }
  /** `problem`: why the feed could not say what changed, for the user. */
  | { kind: "rebuilt"; rows: number; problem?: string };

export interface FollowDeps {
  feed: ChangeFeed;
  repo: DataRepository;
  catalog: Catalog;
  namespace: string;
}

/**
 * Brings the catalog up to date with the datastore before it answers, whoever changed the datastore:
 * nothing to do while the feed is where the catalog's cursor left it; the names changed since are
 * read again when it moved; a rebuild from the datastore when the catalog is new or the feed cannot
 * say what changed. Names are read after the feed and the cursor is stored last, so a change recorded
 * meanwhile is read again next time, never skipped.
 */
export async function followDatastoreChanges(deps: FollowDeps): Promise<FollowOutcome> {
  const { feed, repo, catalog, namespace } = deps;
  const populated = catalog.isPopulated(namespace);
  const changes = await feed.since(populated ? catalog.changeCursor(namespace) : null);
  if (changes.kind === "unchanged") return { kind: "current" };
  if (populated && changes.kind === "names" && changes.names.length <= REFRESH_NAMES_MAX) {
    const rows = await refreshCatalogNames(repo, catalog, namespace, changes.names);
    catalog.setChangeCursor(namespace, changes.cursor);
    return { kind: "refreshed", names: changes.names.length, rows };
  }
  const rows = await backfillCatalog(repo, catalog, namespace);
  catalog.setChangeCursor(namespace, changes.cursor);
  const problem = changes.kind === "unknown" ? changes.problem : undefined;
  return { kind: "rebuilt", rows, ...(problem ? { problem } : {}) };
}
