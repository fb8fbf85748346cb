import type { Document } from "yaml";
import { SwampError } from "../../core/errors.ts";
import type { Host } from "../../core/ports/host.ts";
import { writeFileAtomic } from "./atomic-file.ts";
import { fsp } from "./lazy-fs.ts";
import { isFile } from "./native-read.ts";
import { dirname, join, resolve } from "./paths.ts";
import { parsePlainYamlMapping } from "./plain-yaml.ts";

/** The marker file that makes a directory a swamp repo. */
export const REPO_CONFIG_FILE = ".swamp.yaml";

export interface LocateRepoOptions {
  /** The `--repo-dir` flag, if given. */
  repoDir?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * `--repo-dir` > `SWAMP_REPO_DIR` (that directory must hold `.swamp.yaml`) > the nearest of cwd
 * and its ancestors that holds one, like git. Returns it absolute.
 */
export async function locateRepo(options: LocateRepoOptions): Promise<string> {
  const chosen = options.repoDir || options.env.SWAMP_REPO_DIR;
  if (chosen) {
    const dir = resolve(options.cwd, chosen);
    if (!(await isFile(join(dir, REPO_CONFIG_FILE)))) throw noRepo(dir);
    return dir;
  }
  const start = resolve(options.cwd);
  for (let dir = start; ; dir = dirname(dir)) {
    if (await isFile(join(dir, REPO_CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) throw noRepoAbove(start);
  }
}

export interface RepoConfig {
  /** Absolute path of `.swamp.yaml`. */
  path: string;
  repoId?: string;
  /** The raw `datastore:` value, for `resolveDatastoreConfig`; undefined when absent. */
  datastore?: unknown;
  /** The whole file as plain data. */
  data: Record<string, unknown>;
}

export async function readRepoConfig(repoDir: string): Promise<RepoConfig> {
  const path = configPath(repoDir);
  const plain = parsePlainYamlMapping(await readConfigText(repoDir, path));
  if (plain !== undefined) return toRepoConfig(path, plain ?? {});
  const { doc } = await loadDocument(repoDir);
  return toRepoConfig(path, (doc.toJS() ?? {}) as Record<string, unknown>);
}

/** One change to `.swamp.yaml`: set the value at `path`, or delete it when `value` is undefined. */
export interface RepoConfigEdit {
  path: readonly string[];
  value: unknown;
}

/**
 * Applies edits and writes the file atomically (temp + rename). Unrelated keys and comments
 * are kept, because the edits go through yaml's Document API rather than a re-dump.
 */
export async function editRepoConfig(repoDir: string, edits: readonly RepoConfigEdit[]): Promise<RepoConfig> {
  const { path, doc } = await loadDocument(repoDir);
  for (const edit of edits) {
    if (edit.value === undefined) doc.deleteIn(edit.path);
    else doc.setIn(edit.path, edit.value);
  }
  await writeFileAtomic(path, doc.toString());
  return toRepoConfig(path, (doc.toJS() ?? {}) as Record<string, unknown>);
}

export interface InitRepoResult {
  repoDir: string;
  configPath: string;
  repoId: string;
  /** `.swamp.yaml` existed before this call. */
  alreadyInitialized: boolean;
  /** A repoId was generated and written by this call (new repo, or an old one without an id). */
  repoIdCreated: boolean;
}

/**
 * Creates `.swamp.yaml` (with a fresh repoId), `.swamp/` and `models/`. Re-running keeps the
 * existing repoId; a repo that lacks one gets one persisted, so the id is stable from then on.
 */
export async function initRepo(dir: string, deps: { host: Pick<Host, "uuid"> }): Promise<InitRepoResult> {
  const repoDir = resolve(dir);
  const configPath = join(repoDir, REPO_CONFIG_FILE);
  await fsp().mkdir(join(repoDir, ".swamp"), { recursive: true });
  await fsp().mkdir(join(repoDir, "models"), { recursive: true });

  if (!(await isFile(configPath))) {
    const repoId = deps.host.uuid();
    if (await createExclusively(configPath, `repoId: ${repoId}\n`)) {
      return { repoDir, configPath, repoId, alreadyInitialized: false, repoIdCreated: true };
    }
  }
  const existing = await readRepoConfig(repoDir);
  if (existing.repoId !== undefined) {
    return { repoDir, configPath, repoId: existing.repoId, alreadyInitialized: true, repoIdCreated: false };
  }
  const repoId = deps.host.uuid();
  await editRepoConfig(repoDir, [{ path: ["repoId"], value: repoId }]);
  return { repoDir, configPath, repoId, alreadyInitialized: true, repoIdCreated: true };
}

// ---------------------------------------------------------------------------------------------

const configPath = (repoDir: string) => join(resolve(repoDir), REPO_CONFIG_FILE);

async function readConfigText(repoDir: string, path: string): Promise<string> {
  try {
    return await Bun.file(path).text();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw noRepo(resolve(repoDir));
    throw e;
  }
}

/** The file through the yaml package: its Document keeps comments for edits, its errors say where. */
async function loadDocument(repoDir: string): Promise<{ path: string; doc: Document }> {
  const path = configPath(repoDir);
  const text = await readConfigText(repoDir, path);
  const YAML = (await import("yaml")).default;
  const doc = YAML.parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : "unknown position";
    const reason = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
    throw new SwampError(
      "config_invalid",
      `Cannot parse ${path} at ${where}: ${reason}. Fix the YAML there (if it is in the datastore block, fix or remove the datastore block) and re-run.`,
      { file: path, line: at?.line, column: at?.col },
    );
  }
  if (doc.contents !== null && !YAML.isMap(doc.contents)) {
    throw new SwampError(
      "config_invalid",
      `${path} must be a YAML mapping (key: value lines) at the top level. Fix the file, or move it away and run 'swamp repo init'.`,
      { file: path },
    );
  }
  return { path, doc };
}

function toRepoConfig(path: string, data: Record<string, unknown>): RepoConfig {
  const repoId = data.repoId;
  if (repoId !== undefined && repoId !== null && typeof repoId !== "string") {
    throw new SwampError(
      "config_invalid",
      `repoId in ${path} must be a string, got ${JSON.stringify(repoId)}. Restore the original id, or delete the repoId line and run 'swamp repo init' to create one.`,
      { file: path },
    );
  }
  const config: RepoConfig = { path, data };
  if (typeof repoId === "string" && repoId !== "") config.repoId = repoId;
  if (data.datastore !== undefined && data.datastore !== null) config.datastore = data.datastore;
  return config;
}

/** Writes a complete file at `path` only if nothing is there: link(2) of a finished temp file never clobbers. */
async function createExclusively(path: string, text: string): Promise<boolean> {
  const temp = join(dirname(path), `.${crypto.randomUUID()}.tmp`);
  await fsp().writeFile(temp, text);
  try {
    await fsp().link(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    await fsp()
      .unlink(temp)
      .catch(() => {});
  }
}

function noRepoAbove(cwd: string): SwampError {
  return new SwampError(
    "not_found",
    `No swamp repository in ${cwd} or any directory above it (none holds ${REPO_CONFIG_FILE}). Run 'swamp repo init' in the directory the repository should live in (it covers the directories below it), or pass --repo-dir <path>.`,
    { repoDir: cwd },
  );
}

function noRepo(dir: string): SwampError {
  return new SwampError(
    "not_found",
    `No swamp repository at ${dir}. Run 'swamp repo init' there, or pass --repo-dir <path>.`,
    { repoDir: dir },
  );
}
