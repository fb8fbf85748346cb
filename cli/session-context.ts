import type { FsDataRepository } from "../adapters/fs/fs-data-repository.ts";
import type { FsModelRegistry } from "../adapters/fs/fs-model-registry.ts";
import type { DataNameKey } from "../core/data-record.ts";
import type { ResolvedDatastore } from "../core/datastore-config.ts";
import type { PathResolver } from "../core/path-resolver.ts";
import type { CatalogReader } from "../core/ports/catalog.ts";
import type { ChangeFeed } from "../core/ports/change-feed.ts";
import type { Clock } from "../core/ports/clock.ts";
import type { Host } from "../core/ports/host.ts";
import type { ObjectStore } from "../core/ports/object-store.ts";
import type { CatalogWriteThrough } from "../core/use-cases/catalog-write-through.ts";
import type { Output } from "./output.ts";

/**
 * What a remote session uses of the command's repo context. RepoContext (context.ts) provides it;
 * the session names this instead of RepoContext so that context.ts and remote-session.ts do not
 * import each other.
 */
export interface SessionContext {
  readonly clock: Clock;
  readonly host: Host;
  readonly resolver: PathResolver;
  readonly config: ResolvedDatastore;
  readonly out: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly namespace: string;
  readonly datastoreBase: string;
  data(): FsDataRepository;
  cacheStore(): Promise<ObjectStore>;
  models(): FsModelRegistry;
  recordChanges(names: readonly DataNameKey[]): Promise<void>;
  /** The datastore's change feed, which the catalog follows. */
  changeLog(): ChangeFeed;
  catalogWriteThrough(): CatalogWriteThrough;
  /** The catalog, complete for the repo's namespace (backfilled when it is not known to be). */
  catalog(): Promise<CatalogReader>;
}
