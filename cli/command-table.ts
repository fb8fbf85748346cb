import { allBackends } from "../core/backends/registry.ts";
import { type CommandSpec, flag, negated, type OptionSpecs, text } from "./command-spec.ts";

/**
 * The command tree (docs/architecture.md, "Commands"). Each command declares itself in its own
 * file; this one only places them. Only the commands a run needs are loaded: the one named on
 * the command line, or the ones a help page lists, so start-up never pays for the others.
 */

/** Options every command takes, read into GlobalOptions (cli/output.ts). */
export const GLOBAL_OPTIONS: OptionSpecs = {
  json: flag("--json", "print one JSON document on stdout (errors as {error, code} on stderr)"),
  quiet: flag("-q, --quiet", "print only results and errors"),
  verbose: flag("-v, --verbose", "print more detail"),
  color: negated("--no-color", "never use colour (NO_COLOR is honoured too)"),
  repoDir: text(
    "--repo-dir <dir>",
    "the repository to work on (default: $SWAMP_REPO_DIR, else the nearest directory from here up holding .swamp.yaml)",
  ),
};

export interface Group {
  path: readonly string[];
  description: string;
  examples: readonly string[];
  alias?: string;
}

export interface Entry {
  path: readonly string[];
  load(): Promise<CommandSpec>;
}

export const GROUPS: readonly Group[] = [
  {
    path: ["repo"],
    description: "create and inspect swamp repositories",
    examples: ["swamp repo init", "swamp repo init --repo-dir ./infra --json"],
  },
  {
    path: ["data"],
    description: "write, read, query and clean up versioned data records",
    examples: [
      'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
      "swamp data get vpc main",
      "swamp data query 'modelName == \"vpc\"' --json",
      "swamp help data put",
    ],
  },
  {
    path: ["datastore"],
    description: "configure and inspect the datastore (alias: ds)",
    alias: "ds",
    examples: ["swamp ds status", "swamp ds setup s3 --bucket my-bucket --region eu-west-1", "swamp ds sync"],
  },
  {
    path: ["datastore", "setup"],
    description: "point the repo at a datastore, migrating existing data",
    examples: [
      "swamp ds setup filesystem --path /mnt/shared/swamp",
      "swamp ds setup s3 --bucket my-bucket --region eu-west-1",
      "swamp ds setup gcs --bucket my-bucket",
    ],
  },
  {
    path: ["datastore", "lock"],
    description: "inspect and break leases",
    examples: ["swamp ds lock status", "swamp ds lock release --force --model aws/ec2/vpc/6f0c1d2e-…"],
  },
  {
    path: ["datastore", "catalog"],
    description: "pull the catalogs other namespaces publish, to query their records",
    examples: ["swamp ds catalog pull --namespaces infra,network", "swamp ds catalog pull --all"],
  },
  {
    path: ["datastore", "namespace"],
    description: "share one datastore between repos, each in its own namespace",
    examples: [
      "swamp ds namespace set infra",
      "swamp ds namespace list",
      "swamp ds namespace migrate --confirm",
    ],
  },
];

/** Every command in the order the help lists them. */
export function commands(): Entry[] {
  const at = (path: string, load: () => Promise<{ command: CommandSpec }>): Entry => ({
    path: path.split(" "),
    load: async () => (await load()).command,
  });
  const setups = allBackends().flatMap((backend) =>
    backend.setup.map((setup) => ({
      path: ["datastore", "setup", setup.name],
      load: async () =>
        (await import("./commands/datastore-setup.ts")).setupCommand(backend.placement, setup),
    })),
  );
  return [
    at("repo init", () => import("./commands/repo-init.ts")),
    at("data put", () => import("./commands/data-put.ts")),
    at("data get", () => import("./commands/data-get.ts")),
    at("data list", () => import("./commands/data-list.ts")),
    at("data versions", () => import("./commands/data-versions.ts")),
    at("data query", () => import("./commands/data-query.ts")),
    at("data delete", () => import("./commands/data-delete.ts")),
    at("data rename", () => import("./commands/data-rename.ts")),
    at("data gc", () => import("./commands/data-gc.ts")),
    at("doctor", () => import("./commands/doctor.ts")),
    at("datastore status", () => import("./commands/datastore-status.ts")),
    ...setups,
    at("datastore setup extension", () => import("./commands/datastore-setup-extension.ts")),
    at("datastore sync", () => import("./commands/datastore-sync.ts")),
    at("datastore compact", () => import("./commands/datastore-compact.ts")),
    at("datastore lock status", () => import("./commands/datastore-lock-status.ts")),
    at("datastore lock release", () => import("./commands/datastore-lock-release.ts")),
    at("datastore namespace set", () => import("./commands/datastore-namespace-set.ts")),
    at("datastore namespace list", () => import("./commands/datastore-namespace-list.ts")),
    at("datastore namespaces", async () => {
      const { command } = await import("./commands/datastore-namespace-list.ts");
      return { command: { ...command, description: "same as 'datastore namespace list'" } };
    }),
    at("datastore namespace migrate", () => import("./commands/datastore-namespace-migrate.ts")),
    at("datastore namespace unset", () => import("./commands/datastore-namespace-unset.ts")),
    at("datastore catalog pull", () => import("./commands/datastore-catalog-pull.ts")),
    at("version", () => import("./commands/version.ts")),
    at("completion", () => import("./commands/completion.ts")),
  ];
}

export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((word, i) => path[i] === word);
}

/**
 * The longest known command or group path named by `argv`: its words, skipping options (and the
 * value of `--repo-dir`), and the `ds` alias read as `datastore`.
 */
export function namedPath(argv: readonly string[], known: readonly (readonly string[])[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--repo-dir") i++;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  if (words[0] === "ds") words[0] = "datastore";
  let path: string[] = [];
  for (let n = 1; n <= words.length; n++) {
    const candidate = words.slice(0, n);
    if (known.some((k) => k.length === n && startsWith(k, candidate))) path = candidate;
    else break;
  }
  return path;
}
