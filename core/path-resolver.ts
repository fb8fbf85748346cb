import { effectiveSubdirs, isAlwaysLocalSubdir } from "./datastore-subdirs.ts";
import { SwampError } from "./errors.ts";
import { compileExcludePatterns, type ExcludeMatcher } from "./exclude-pattern.ts";
import { Namespace } from "./namespace.ts";
import { escapesRoot, joinPosix, normalizePosix } from "./posix-path.ts";

export interface PathResolverOptions {
  /** Absolute repo dir (holds `.swamp.yaml`). */
  repoDir: string;
  /** Absolute datastore base: the filesystem datastore path, or the cache dir of a remote store. */
  datastoreBase: string;
  /** Solo when absent or empty. A string is validated as a slug. */
  namespace?: Namespace | string;
  /** Configured datastore-tier subdirs; default: all of DEFAULT_DATASTORE_SUBDIRS. */
  directories?: readonly string[];
  /** Gitignore-style patterns relative to the (namespace) datastore root; matches stay local. */
  exclude?: readonly string[];
}

export type Tier = "local" | "datastore";

export interface ResolvedPath {
  tier: Tier;
  /** Absolute posix path. */
  path: string;
}

/**
 * Maps (subdir, rel path) to the local tier `{repo}/.swamp` or the datastore tier `{base}[/{ns}]`
 * (docs/architecture.md, "Datastore tree").
 */
export class PathResolver {
  readonly repoDir: string;
  readonly datastoreBase: string;
  readonly namespace: Namespace;
  private readonly effective: readonly string[];
  private readonly effectiveSet: ReadonlySet<string>;
  private readonly excludeMatcher: ExcludeMatcher;

  constructor(options: PathResolverOptions) {
    this.repoDir = normalizePosix(options.repoDir);
    this.datastoreBase = normalizePosix(options.datastoreBase);
    this.namespace =
      options.namespace instanceof Namespace ? options.namespace : Namespace.of(options.namespace);
    this.effective = effectiveSubdirs(options.directories);
    this.effectiveSet = new Set(this.effective);
    this.excludeMatcher = compileExcludePatterns(options.exclude ?? []);
  }

  /** The local tier root, `{repo}/.swamp`: never namespaced, never synced. */
  localRoot(): string {
    return joinPosix(this.repoDir, ".swamp");
  }

  /** `{base}` in solo mode, `{base}/{ns}` when namespaced. */
  datastoreRoot(): string {
    return joinPosix(this.datastoreBase, this.namespace.prefix(""));
  }

  /** The repo-local catalog database; always local, never namespaced. */
  catalogPath(): string {
    return joinPosix(this.localRoot(), "data", "_catalog.db");
  }

  effectiveDirectories(): string[] {
    return [...this.effective];
  }

  excludePatterns(): readonly string[] {
    return this.excludeMatcher.patterns;
  }

  /**
   * Where `subdir/rest...` lives. Always-local and non-effective subdirs, and paths matching an
   * exclude pattern, go to the local tier. Throws `path_traversal` when `subdir` is not a single
   * plain segment or `rest` climbs out of `subdir`.
   */
  resolve(subdir: string, ...rest: string[]): ResolvedPath {
    if (subdir === "" || subdir === "." || subdir === ".." || /[/\\]/.test(subdir)) {
      throw traversal(subdir, rest);
    }
    // `\` counts as a separator so a Windows-style `..\` cannot slip past the check.
    const inner = normalizePosix(rest.join("/").replaceAll("\\", "/"));
    if (escapesRoot(inner)) throw traversal(subdir, rest);
    const rel = inner === "." ? subdir : `${subdir}/${inner}`;
    if (this.isDatastoreTier(subdir) && !this.excludeMatcher.isExcluded(rel)) {
      return { tier: "datastore", path: joinPosix(this.datastoreRoot(), rel) };
    }
    return { tier: "local", path: joinPosix(this.localRoot(), rel) };
  }

  private isDatastoreTier(subdir: string): boolean {
    return this.effectiveSet.has(subdir) && !isAlwaysLocalSubdir(subdir);
  }
}

function traversal(subdir: string, rest: readonly string[]): SwampError {
  const shown = [subdir, ...rest].join("/");
  return new SwampError(
    "path_traversal",
    `Path traversal detected: "${shown}" leaves its datastore directory. Use a path inside "${subdir}" without ".." segments.`,
    { subdir, rest: [...rest] },
  );
}
