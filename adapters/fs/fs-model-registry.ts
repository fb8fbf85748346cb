import type { ModelDefinition } from "../../core/data-record.ts";
import { validateModelName } from "../../core/data-rules.ts";
import { invalid } from "../../core/errors.ts";
import { normalizeModelType } from "../../core/model-type.ts";
import type { Host } from "../../core/ports/host.ts";
import type { ModelRegistry } from "../../core/ports/model-registry.ts";
import { fsp } from "./lazy-fs.ts";
import { filesUnder } from "./native-read.ts";
import { join, resolve } from "./paths.ts";

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** Model definitions at `{repo}/models/{type…}/{name}.yaml`; the type is the directory path. */
export class FsModelRegistry implements ModelRegistry {
  private readonly modelsDir: string;
  private readonly host: Pick<Host, "uuid">;

  constructor(repoDir: string, host: Pick<Host, "uuid">) {
    this.modelsDir = join(resolve(repoDir), "models");
    this.host = host;
  }

  async resolve(nameOrId: string, type?: string): Promise<ModelDefinition | null> {
    if (type !== undefined) return this.resolveTyped(nameOrId, normalizeModelType(type));
    const all = await this.list();
    const byId = all.find((m) => m.id === nameOrId);
    if (byId) return byId;
    const byName = all.filter((m) => m.name === nameOrId);
    if (byName.length > 1) {
      const types = byName.map((m) => m.type);
      throw invalid(
        `Model "${nameOrId}" exists under several types: ${types.join(", ")}. Pass --model-type <type> to choose one, e.g. --model-type ${types[0]}.`,
        { types },
      );
    }
    return byName[0] ?? null;
  }

  async named(nameOrId: string): Promise<ModelDefinition[]> {
    return (await this.list()).filter((m) => m.id === nameOrId || m.name === nameOrId);
  }

  /** By name first (one file read), else by id under that type. */
  private async resolveTyped(nameOrId: string, type: string): Promise<ModelDefinition | null> {
    validateModelName(nameOrId);
    const byName = await this.read(this.definitionPath(nameOrId, type), type, nameOrId);
    if (byName) return byName;
    return (await this.named(nameOrId)).find((m) => m.id === nameOrId && m.type === type) ?? null;
  }

  async create(name: string, type: string): Promise<ModelDefinition> {
    validateModelName(name);
    const normalized = normalizeModelType(type);
    const path = this.definitionPath(name, normalized);
    const dir = join(path, "..");
    await fsp().mkdir(dir, { recursive: true });
    const ref: ModelDefinition = { type: normalized, id: this.host.uuid(), name };
    const tmp = join(dir, `.${this.host.uuid()}.tmp`);
    await fsp().writeFile(
      tmp,
      Bun.YAML.stringify({ id: ref.id, name, type: normalized, version: 1, tags: {} }, null, 2),
    );
    try {
      // fsp().link() is create-only: of several racing creators exactly one definition wins.
      await fsp().link(tmp, path);
      return ref;
    } catch (e) {
      if (errno(e) !== "EEXIST") throw e;
      const winner = await this.read(path, normalized, name);
      if (!winner) throw e;
      return winner;
    } finally {
      await fsp().rm(tmp, { force: true });
    }
  }

  async list(): Promise<ModelDefinition[]> {
    // One native walk: a definition is a .yaml file at least one type folder deep.
    const files = filesUnder(this.modelsDir, "**/*.yaml").filter((rel) => rel.includes("/"));
    const read = await Promise.all(
      files.map((rel) => {
        const at = rel.lastIndexOf("/");
        return this.read(join(this.modelsDir, rel), rel.slice(0, at), rel.slice(at + 1, -5));
      }),
    );
    const found = read.filter((ref) => ref !== null);
    return found.sort((a, b) => (a.type === b.type ? cmp(a.name, b.name) : cmp(a.type, b.type)));
  }

  private definitionPath(name: string, normalizedType: string): string {
    return join(this.modelsDir, ...normalizedType.split("/"), `${name}.yaml`);
  }

  /** The definition in `path`, or null when the file does not exist. */
  private async read(path: string, type: string, fileName: string): Promise<ModelDefinition | null> {
    let text: string;
    try {
      text = await Bun.file(path).text();
    } catch (e) {
      if (errno(e) === "ENOENT" || errno(e) === "ENOTDIR") return null;
      throw e;
    }
    let parsed: { id?: unknown; name?: unknown } | null;
    try {
      parsed = Bun.YAML.parse(text) as { id?: unknown; name?: unknown } | null;
    } catch (e) {
      throw unreadable(path, (e as Error).message);
    }
    if (typeof parsed?.id !== "string" || parsed.id === "") throw unreadable(path, "it has no id");
    return { type, id: parsed.id, name: typeof parsed.name === "string" ? parsed.name : fileName };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function unreadable(path: string, why: string) {
  return invalid(`Unreadable model definition ${path}: ${why}. Fix the file or remove it.`);
}
