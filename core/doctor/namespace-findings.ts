import type { MisplacedFolder, RootDataFolder } from "../use-cases/namespace-survey.ts";
import type { Finding } from "./finding.ts";
import { MIGRATE_COMMAND, PUSH_COMMAND } from "./fix-commands.ts";

/**
 * Root data found at one root: a folder datastore's, a cache's (both moved by a migration), or a
 * bucket's (the copy solo clones pushed, which a namespaced clone never reads).
 */
export interface RootDataSurvey {
  where: "datastore" | "cache" | "bucket";
  /** The root as people know it: a folder path, or the bucket's `s3://…` / `gs://…`. */
  location: string;
  folders: RootDataFolder[];
}

export interface NamespaceSurvey {
  /** This repo's namespace ("" in solo mode). */
  namespace: string;
  roots: RootDataSurvey[];
  misplaced: MisplacedFolder[];
  /** Where the misplaced objects are, as people know it. */
  location: string;
}

/**
 * Un-migrated root data of a namespaced repo and objects under a namespace's prefix that are not
 * its own (docs/architecture.md, "Doctor"). Doctor repairs neither itself: which copy is right
 * is for a person to judge, so each fix names the command or the objects to delete.
 */
export function namespaceFindings(survey: NamespaceSurvey): Finding[] {
  return [
    ...survey.roots.flatMap((root) =>
      root.folders.map((folder) => rootDataFinding(survey.namespace, root, folder)),
    ),
    ...survey.misplaced.map((folder) => misplacedFinding(survey.location, folder)),
  ];
}

function rootDataFinding(namespace: string, root: RootDataSurvey, folder: RootDataFolder): Finding {
  const where = `${root.location}/${folder.subdir}/`;
  const files = `${folder.files} file(s)`;
  if (root.where === "bucket") {
    return {
      code: "bucket_root_data",
      subject: `bucket ${folder.subdir}/`,
      problem: true,
      message: `${files} of solo-mode data at the bucket root (${where}) beside the namespaces: clones of namespace "${namespace}" never read them.`,
      fix: `if they are this repo's data from before it joined "${namespace}", run '${MIGRATE_COMMAND}' then '${PUSH_COMMAND}' in a clone whose cache still holds them at its root; once no solo clone uses ${where}, delete it with your store's tools`,
    };
  }
  return {
    code: "root_data",
    subject: `${root.where} ${folder.subdir}/`,
    problem: true,
    message: `${files} of solo-mode data at the ${root.where} root (${where}) while the repo uses namespace "${namespace}": no command reads them there${root.where === "cache" ? ", and a push refuses to run" : ""}.`,
    fix: `${MIGRATE_COMMAND} (run it without --confirm first to preview)`,
  };
}

function misplacedFinding(location: string, folder: MisplacedFolder): Finding {
  const where = `${location}/${folder.prefix}`;
  const objects = `${folder.objects} object(s)`;
  if (folder.owner === "") {
    return {
      code: "misplaced_solo_leases",
      subject: folder.prefix,
      problem: true,
      message: `${objects} of solo mode's per-model leases under namespace "${folder.namespace}"'s prefix (${where}): no command takes or frees them there.`,
      fix: `delete ${where} with your store's tools`,
    };
  }
  const nested =
    folder.owner === folder.namespace
      ? `namespace "${folder.namespace}" nested in itself`
      : `namespace "${folder.owner}" nested under namespace "${folder.namespace}"`;
  return {
    code: "namespace_contamination",
    subject: folder.prefix,
    problem: true,
    message: `${objects} of ${nested} (${where}): they are outside both namespaces' layouts, so no clone reads them.`,
    fix: `check that ${location}/${folder.owner}/ holds the same data ('swamp data list' in a clone of "${folder.owner}"), then delete ${where} with your store's tools`,
  };
}
