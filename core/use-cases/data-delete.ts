import type { ModelDefinition } from "../data-record.ts";
import { notFound } from "../errors.ts";
import type { DataRepository } from "../ports/data-repository.ts";
import type { CatalogWriteThrough } from "./catalog-write-through.ts";
import { assertStillHeld, type WithModelLeases } from "./model-leases.ts";

/** Which data `data delete` takes: one name (or one of its versions), or every name by prefix or all. */
export type DeleteSelection =
  | { kind: "name"; name: string; version?: number }
  | { kind: "batch"; prefix?: string; all: boolean };

/** What a deletion would remove, as the preview shows it; `dataDelete` removes exactly these names. */
export interface DataDeletePlan {
  model: ModelDefinition;
  batch: boolean;
  names: string[];
  /** One version of the one name, when given. */
  version?: number;
  /** How many versions the names hold now (of `version` alone, when given). */
  versions: number;
}

export interface DataDeleteDeps {
  repo: DataRepository;
  catalog: CatalogWriteThrough;
  withModelLeases: WithModelLeases;
}

export interface DataDeleteResult {
  namesDeleted: number;
  versionsDeleted: number;
  /** Names of a batch that could not be deleted; a single name's failure is thrown instead. */
  failed: { dataName: string; error: string }[];
}

/**
 * The names and versions `data delete` would remove (docs/architecture.md, "Writing data"); a
 * single name with nothing to delete is `not_found`. Reads only: no lease.
 */
export async function planDataDelete(
  repo: DataRepository,
  model: ModelDefinition,
  selection: DeleteSelection,
): Promise<DataDeletePlan> {
  const batch = selection.kind === "batch";
  const names =
    selection.kind === "batch"
      ? (await repo.names(model)).filter((n) => selection.all || n.startsWith(selection.prefix ?? ""))
      : [selection.name];
  const version = selection.kind === "name" ? selection.version : undefined;
  const counts = await Promise.all(
    names.map(async (n) =>
      version === undefined
        ? (await repo.versions(model, n)).length
        : (await repo.versions(model, n)).includes(version)
          ? 1
          : 0,
    ),
  );
  const versions = counts.reduce((a, b) => a + b, 0);
  if (selection.kind === "name" && versions === 0) {
    const which = version === undefined ? `${selection.name}` : `${selection.name} v${version}`;
    throw notFound(
      "Data",
      `${which} of model ${model.name}`,
      `List what exists with 'swamp data versions ${model.name} ${selection.name}'.`,
    );
  }
  return { model, batch, names, ...(version !== undefined ? { version } : {}), versions };
}

/**
 * Deletes what `plan` names under the model's lease, writing each deletion through to the catalog.
 * A batch goes on past a name that fails (reported in `failed`), never past a lost lease.
 */
export async function dataDelete(deps: DataDeleteDeps, plan: DataDeletePlan): Promise<DataDeleteResult> {
  const { model, version } = plan;
  const failed: DataDeleteResult["failed"] = [];
  let versionsDeleted = 0;
  let namesDeleted = 0;
  await deps.withModelLeases(
    [model],
    async (signal) => {
      for (const n of plan.names) {
        assertStillHeld(signal);
        try {
          if (version !== undefined) {
            versionsDeleted += await deps.repo.deleteVersion(model, n, version);
            await deps.catalog.versionDeleted(model, n, version);
          } else {
            versionsDeleted += await deps.repo.deleteName(model, n);
            await deps.catalog.nameDeleted(model, n);
            namesDeleted++;
          }
        } catch (e) {
          if (!plan.batch) throw e;
          failed.push({ dataName: n, error: (e as Error).message });
        }
      }
    },
    "data delete",
  );
  return { namesDeleted, versionsDeleted, failed };
}
