import { SwampError } from "../errors.ts";
import { expandPath } from "../expand-path.ts";
import type { BackendDescriptor } from "./backend-descriptor.ts";
import { requiredString, textFlag } from "./config-fields.ts";

/** A folder (the repo's `.swamp/`, a shared disk, NFS…) used in place. */
export interface FilesystemBackend {
  kind: "filesystem";
  /** Absolute, normalized. */
  path: string;
}

export const filesystemBackend = {
  kind: "filesystem",
  label: "filesystem",
  aliases: [],
  configKeys: ["path"],
  shortForm: { syntax: "/path/to/dir", parse: (rest) => ({ path: rest }) },
  // `datastore: {type: filesystem, path: …}`; `config: {path}` is read too, like the env's JSON form.
  yaml: { topLevelKeys: ["path"] },

  parse(raw, context) {
    const path = requiredString(raw, "path", context.issues);
    if (path === undefined) return { kind: "filesystem", path: "" };
    try {
      const env = context.env;
      return {
        kind: "filesystem",
        path: expandPath(path, { env, homeDir: context.homeDir, baseDir: context.repoDir }),
      };
    } catch (e) {
      if (!(e instanceof SwampError)) throw e;
      context.issues.push(e.message);
      return { kind: "filesystem", path: "" };
    }
  },

  placement: {
    kind: "local",
    path: (config) => config.path,
    withPath: (config, path) => ({ ...config, path }),
  },

  setup: [
    {
      name: "filesystem",
      description: "use a folder (shared disk, NFS, …) as the datastore",
      flags: [
        {
          flags: "--path <path>",
          help: "the folder (~ and $VAR are expanded; relative to the repo)",
          required: true,
        },
      ],
      examples: [
        "swamp ds setup filesystem --path /mnt/shared/swamp",
        "swamp ds setup filesystem --path ~/swamp-data --json",
      ],
      toConfig: (opts) => ({ kind: "filesystem", path: textFlag(opts, "path") ?? "" }),
    },
  ],
} satisfies BackendDescriptor<FilesystemBackend>;
