import type { DataMetadata, DataNameKey, ModelKey } from "../../core/data-record.ts";
import { validateDataName } from "../../core/data-rules.ts";
import { invalid, SwampError } from "../../core/errors.ts";
import type { Clock } from "../../core/ports/clock.ts";
import type { DataRepository, NewVersion, StoredVersion } from "../../core/ports/data-repository.ts";
import type { MutexHost } from "./file-mutex.ts";
import { type MarkerUpdate, refreshLatestMarker } from "./latest-marker.ts";
import { fsp, fsSync } from "./lazy-fs.ts";
import { formatMetadata, parseMetadataText } from "./metadata-file.ts";
import { isFile } from "./native-read.ts";
import { basename, dirname, join, relative, resolve, sep } from "./paths.ts";
import { removeStaleTempsIn } from "./stale-temps.ts";
import { walkVersionBatches } from "./threaded-version-walk.ts";
import { highestComplete } from "./version-dirs.ts";
import { METADATA, VERSION_DIR } from "./version-walk.ts";

export interface FsDataRepositoryOptions {
  clock: Pick<Clock, "now">;
  host: MutexHost;
  /**
   * Called before every mutation with the touched path relative to `datastoreDir` (forward
   * slashes), or null for a bulk change. A namespaced caller prefixes its namespace.
   */
  onMutate?: (relPath: string | null) => void;
  /** Awaited after every completed change of a data name (written or deleted), before the call returns. */
  afterMutate?: (name: DataNameKey) => Promise<void>;
  /**
   * Awaited when a version's content is absent though its metadata is here (a lazy cache,
   * docs/architecture.md "Lazy hydration"), with the content's path relative to `datastoreDir`;
   * `readContent` reads again after it. Throws when the content cannot be fetched.
   */
  fetchContent?: (relPath: string) => Promise<void>;
  /** Content is read by the thousand (a query): synchronously, through node:fs (see readVersionContentNow). */
  bulkContentReads?: boolean;
}

/** Attempts at claiming a version number before giving up (docs/architecture.md, "Datastore tree"). */
const CLAIM_ATTEMPTS = 100;
/** Name directories checked at once by `names()`. */
const NAMES_CONCURRENCY = 64;
const RAW = "raw";

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
const isMissing = (e: unknown) => errno(e) === "ENOENT" || errno(e) === "ENOTDIR";
const exists = (path: string) =>
  fsp()
    .stat(path)
    .then(
      () => true,
      (e) => (isMissing(e) ? false : Promise.reject(e)),
    );

/** A complete version whose content is not in the folder. */
const NOT_HERE = Symbol("content not here");

type VersionContent = Uint8Array | null | typeof NOT_HERE;

/**
 * A version's content; null when the dir is no version (without metadata.yaml it is a crash
 * leftover). Synchronous, for a query: it reads thousands of small files, and every async call
 * costs a round trip through the thread pool, several times what the read itself costs.
 */
function readVersionContentNow(dir: string): VersionContent {
  const fs = fsSync();
  try {
    fs.statSync(join(dir, METADATA));
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  try {
    return fs.readFileSync(join(dir, RAW));
  } catch (e) {
    if (isMissing(e)) return NOT_HERE;
    throw e;
  }
}

/** The same for one read (`data get`): through Bun.file, so that it never loads node:fs. */
async function readVersionContent(dir: string): Promise<VersionContent> {
  if (!(await isFile(join(dir, METADATA)))) return null;
  try {
    return await Bun.file(join(dir, RAW)).bytes();
  } catch (e) {
    if (isMissing(e)) return NOT_HERE;
    throw e;
  }
}

function traversal(what: string, base: string): SwampError {
  return new SwampError(
    "path_traversal",
    `Path traversal detected: ${what} does not resolve to a plain directory inside ${base}. Use names without "." or ".." segments.`,
  );
}

/**
 * The filesystem DataRepository: `{datastoreDir}/data/{type…}/{modelId}/{name}/{version}/{raw,metadata.yaml}`
 * plus a `latest` marker per name. A version is built in a hidden temp dir and renamed into place,
 * so it is either complete or absent, and concurrent writers (threads or processes) never share a
 * number. "Latest" is the highest complete version dir; the marker is only a hint for other tools.
 * Temps left by interrupted commands go when the next one lists their directory.
 */
export class FsDataRepository implements DataRepository {
  private readonly root: string;
  private readonly dataDir: string;
  private readonly options: FsDataRepositoryOptions;
  /** Checked model dirs: a query reads content of thousands of versions of the same few models. */
  private readonly modelDirs = new Map<string, string>();

  constructor(datastoreDir: string, options: FsDataRepositoryOptions) {
    this.root = resolve(datastoreDir);
    this.dataDir = join(this.root, "data");
    this.options = options;
  }

  async write(
    model: ModelKey,
    name: string,
    content: Uint8Array,
    version: NewVersion,
  ): Promise<DataMetadata> {
    const nameDir = this.nameDir(model, name);
    this.mutated(nameDir);
    const previous = await highestComplete(nameDir);
    if (previous === null) await fsp().mkdir(nameDir, { recursive: true });
    const previousMeta = previous === null ? null : await this.readMetadata(join(nameDir, String(previous)));
    const id = previousMeta?.id ?? this.options.host.uuid();
    // Key order as in the reference's metadata.yaml; the version is set once it is claimed.
    const rest = {
      contentType: version.contentType,
      lifetime: version.lifetime,
      garbageCollection: version.garbageCollection,
      streaming: version.streaming,
      tags: version.tags,
      ownerDefinition: version.ownerDefinition,
      createdAt: new Date(this.options.clock.now()).toISOString(),
      size: content.byteLength,
      checksum: new Bun.CryptoHasher("sha256").update(content).digest("hex"),
      lifecycle: version.lifecycle,
      renamedTo: version.renamedTo,
    };
    const tmp = join(nameDir, `.${this.options.host.uuid()}.tmp`);
    await fsp().mkdir(tmp);
    let metadata: DataMetadata | undefined;
    try {
      await fsp().writeFile(join(tmp, RAW), content);
      for (let attempt = 1, next = (previous ?? 0) + 1; metadata === undefined; attempt++, next++) {
        const candidate = withoutUndefined({ id, name, version: next, ...rest });
        await fsp().writeFile(join(tmp, METADATA), formatMetadata(candidate));
        try {
          await fsp().rename(tmp, join(nameDir, String(next)));
          metadata = candidate;
        } catch (e) {
          const taken = errno(e) === "ENOTEMPTY" || errno(e) === "EEXIST" || errno(e) === "ENOTDIR";
          if (!taken) throw e;
          if (attempt >= CLAIM_ATTEMPTS) {
            throw new SwampError(
              "internal",
              `Could not allocate a version of "${name}" in ${nameDir} after ${CLAIM_ATTEMPTS} attempts; too many concurrent writers. Retry the command.`,
            );
          }
        }
      }
    } catch (e) {
      await fsp().rm(tmp, { recursive: true, force: true });
      throw e;
    }
    await this.refreshMarker(nameDir, "advance");
    await this.changed(model, name);
    return metadata;
  }

  async latest(model: ModelKey, name: string): Promise<DataMetadata | null> {
    const nameDir = this.nameDir(model, name);
    const top = await highestComplete(nameDir);
    return top === null ? null : this.get(model, name, top);
  }

  async get(model: ModelKey, name: string, version: number): Promise<DataMetadata | null> {
    try {
      return await this.readMetadata(this.versionDir(model, name, version));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  versions(model: ModelKey, name: string): Promise<number[]> {
    return this.completeVersions(this.nameDir(model, name));
  }

  async names(model: ModelKey): Promise<string[]> {
    const modelDir = this.modelDir(model);
    const candidates = (await readdirOrEmpty(modelDir)).filter(
      (e) => e.isDirectory() && !e.name.startsWith(".") && isDataName(e.name),
    );
    const names: string[] = [];
    // Bounded: each check holds a directory handle open.
    for (let i = 0; i < candidates.length; i += NAMES_CONCURRENCY) {
      const batch = candidates.slice(i, i + NAMES_CONCURRENCY);
      const tops = await Promise.all(batch.map((e) => highestComplete(join(modelDir, e.name))));
      names.push(...batch.filter((_, j) => tops[j] !== null).map((e) => e.name));
    }
    return names.sort();
  }

  async readContent(model: ModelKey, name: string, version: number): Promise<Uint8Array | null> {
    const dir = this.versionDir(model, name, version);
    const read = this.options.bulkContentReads ? readVersionContentNow : readVersionContent;
    const bytes = await read(dir);
    if (bytes !== NOT_HERE) return bytes;
    if (this.options.fetchContent === undefined) return null;
    await this.options.fetchContent(relative(this.root, join(dir, RAW)).split(sep).join("/"));
    const fetched = await read(dir);
    return fetched === NOT_HERE ? null : fetched;
  }

  /**
   * The file holding a version's content (`…/{name}/{version}/raw`), for `data get` to show. Not a
   * promise of the DataRepository port: only this adapter keeps content in files.
   */
  contentFile(model: ModelKey, name: string, version: number): string {
    return join(this.versionDir(model, name, version), RAW);
  }

  async deleteVersion(model: ModelKey, name: string, version: number): Promise<number> {
    const nameDir = this.nameDir(model, name);
    const dir = this.versionDir(model, name, version);
    if (!(await exists(join(dir, METADATA)))) return 0;
    this.mutated(dir);
    // Renamed away first so that no reader ever sees a half-deleted version.
    const trash = join(nameDir, `.${this.options.host.uuid()}.tmp`);
    try {
      await fsp().rename(dir, trash);
    } catch (e) {
      if (isMissing(e)) return 0;
      throw e;
    }
    await fsp().rm(trash, { recursive: true, force: true });
    await this.rewriteLatestMarker(nameDir);
    await this.changed(model, name);
    return 1;
  }

  async deleteName(model: ModelKey, name: string): Promise<number> {
    const modelDir = this.modelDir(model);
    const nameDir = this.nameDir(model, name);
    const count = (await this.completeVersions(nameDir)).length;
    if (!(await exists(nameDir))) return 0;
    this.mutated(nameDir);
    const trash = join(modelDir, `.${this.options.host.uuid()}.tmp`);
    try {
      await fsp().rename(nameDir, trash);
    } catch (e) {
      if (isMissing(e)) return 0;
      throw e;
    }
    await fsp().rm(trash, { recursive: true, force: true });
    await removeStaleTempsIn(modelDir, this.options.clock.now());
    await this.changed(model, name);
    return count;
  }

  async *walk(): AsyncIterable<StoredVersion> {
    for await (const batch of walkVersionBatches(this.dataDir)) {
      for (const { type, id, metadataPath, text } of batch) {
        yield { model: { type, id }, metadata: parseMetadata(text, metadataPath) };
      }
    }
  }

  private async readMetadata(versionDir: string): Promise<DataMetadata> {
    const path = join(versionDir, METADATA);
    return parseMetadata(await Bun.file(path).text(), path);
  }

  private async completeVersions(nameDir: string): Promise<number[]> {
    const numbers = (await readdirOrEmpty(nameDir))
      .filter((e) => VERSION_DIR.test(e.name))
      .map((e) => Number(e.name));
    const complete = await Promise.all(numbers.map((n) => exists(join(nameDir, String(n), METADATA))));
    return numbers.filter((_, i) => complete[i]).sort((a, b) => a - b);
  }

  private refreshMarker(nameDir: string, update: MarkerUpdate): Promise<number | null> {
    return refreshLatestMarker(nameDir, update, { host: this.options.host, now: this.options.clock.now() });
  }

  private async rewriteLatestMarker(nameDir: string): Promise<void> {
    this.mutated(nameDir);
    if ((await this.refreshMarker(nameDir, "exact")) !== null) return;
    // Non-recursive: a concurrent writer's temp dir keeps the name dir alive.
    await fsp()
      .rmdir(nameDir)
      .catch((e) => {
        if (errno(e) !== "ENOTEMPTY" && errno(e) !== "EEXIST" && !isMissing(e)) throw e;
      });
  }

  private async changed(model: ModelKey, name: string): Promise<void> {
    await this.options.afterMutate?.({ type: model.type, id: model.id, name });
  }

  private mutated(absolutePath: string): void {
    this.options.onMutate?.(relative(this.root, absolutePath).split(sep).join("/"));
  }

  private modelDir(model: ModelKey): string {
    const key = `${model.type}\0${model.id}`;
    const known = this.modelDirs.get(key);
    if (known !== undefined) return known;
    const segments = [...model.type.split("/"), model.id];
    const dir = join(this.dataDir, ...segments);
    const plain = segments.every((s) => s !== "" && s !== "." && s !== ".." && !/[/\\\0]/.test(s));
    if (!plain || dir !== this.dataDir + sep + segments.join(sep)) {
      throw traversal(`model type "${model.type}" with id "${model.id}"`, this.dataDir);
    }
    this.modelDirs.set(key, dir);
    return dir;
  }

  private nameDir(model: ModelKey, name: string): string {
    validateDataName(name);
    const modelDir = this.modelDir(model);
    // Valid names hold no separator and no "..": only "." would not be a directory of its own.
    if (name === ".") throw traversal(`data name "${name}"`, modelDir);
    return modelDir + sep + name;
  }

  private versionDir(model: ModelKey, name: string, version: number): string {
    if (!Number.isSafeInteger(version) || version < 1) {
      throw invalid(`Invalid version ${version}: versions are whole numbers starting at 1.`);
    }
    return this.nameDir(model, name) + sep + version;
  }
}

async function readdirOrEmpty(dir: string) {
  try {
    return await fsp().readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

function isDataName(name: string): boolean {
  try {
    validateDataName(name);
    return true;
  } catch {
    return false;
  }
}

function parseMetadata(text: string, path: string): DataMetadata {
  const unreadable = (why: string) =>
    invalid(
      `Unreadable version metadata ${path}: ${why}. Restore the file or delete that version directory.`,
    );
  let meta: Partial<DataMetadata> | null;
  try {
    meta = parseMetadataText(text) as Partial<DataMetadata> | null;
  } catch (e) {
    throw unreadable((e as Error).message);
  }
  if (
    typeof meta !== "object" ||
    meta === null ||
    typeof meta.name !== "string" ||
    !Number.isSafeInteger(meta.version)
  ) {
    throw unreadable("it lacks a name or an integer version");
  }
  // The directory is the truth: a renumbered version may be caught between its rename and the
  // rewrite of its metadata (docs/architecture.md, "Pending versions").
  const dir = Number(basename(dirname(path)));
  return (Number.isSafeInteger(dir) && dir > 0 ? { ...meta, version: dir } : meta) as DataMetadata;
}

function withoutUndefined(meta: DataMetadata): DataMetadata {
  return Object.fromEntries(
    Object.entries(meta).filter(([, v]) => v !== undefined),
  ) as unknown as DataMetadata;
}
