import { Argument, Command, Option } from "commander";
import type { Placement, SetupCommand } from "../core/backends/backend-descriptor.ts";
import { listOr } from "../core/backends/config-fields.ts";
import { allBackends, type DatastoreBackend } from "../core/backends/registry.ts";
import { GRACE_PERIOD_ENV, GRACE_PERIOD_MS } from "../core/doctor/grace-period.ts";
import { lazyAction } from "./run.ts";

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
const collect = (value: string, previous: string[] = []) => [...previous, value];

const remoteSetupOptions = (cmd: Command) =>
  cmd
    .option("--namespace <slug>", "this repo's namespace in the shared bucket")
    .option("--skip-migration", "do not copy existing data")
    .option("--timeout <seconds>", "give up the migration's transfers after this many seconds");

/**
 * `swamp datastore setup <name>` from a backend's descriptor: its flags, then the options of
 * setup for a folder used in place, or for a bucket behind the cache.
 */
function addSetupCommand(
  setup: Command,
  placement: Placement<DatastoreBackend>,
  command: SetupCommand<DatastoreBackend>,
): void {
  const cmd = setup.command(command.name).description(command.description);
  for (const flag of command.flags) {
    if (flag.required) cmd.requiredOption(flag.flags, flag.help, flag.default);
    else cmd.option(flag.flags, flag.help, flag.default);
  }
  if (placement.kind === "local") {
    cmd
      .option("--directories <list>", "comma-separated datastore subdirectories to keep there")
      .option("--skip-migration", "do not copy existing data")
      .action(
        lazyAction(async () =>
          (await import("./commands/datastore-setup-local.ts")).setupCommand(placement, command),
        ),
      );
  } else {
    remoteSetupOptions(cmd).action(
      lazyAction(async () => (await import("./commands/datastore-setup-remote.ts")).setupCommand(command)),
    );
  }
  cmd.addHelpText("after", examples(...command.examples));
}

/** The whole command tree. Every action is loaded lazily so start-up stays fast. */
export function buildProgram(): Command {
  const program = new Command("swamp")
    .description(
      "Versioned runtime data in a datastore: the repo's .swamp/ folder, an external folder, S3 or GCS.",
    )
    .option("--json", "print one JSON document on stdout (errors as {error, code} on stderr)")
    .option("-q, --quiet", "print only results and errors")
    .option("-v, --verbose", "print more detail")
    .option("--no-color", "never use colour (NO_COLOR is honoured too)")
    .option(
      "--repo-dir <dir>",
      "the repository to work on (default: $SWAMP_REPO_DIR or the current directory)",
    )
    .showSuggestionAfterError(true)
    // `swamp --version` is answered in main.ts, first argument only: subcommands use --version N.
    .addHelpText("after", "\nVersion:\n  swamp --version (or -V) prints the version")
    .addHelpText(
      "after",
      examples(
        "swamp repo init",
        'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
        "swamp data query 'modelName == \"vpc\"' --json",
        "swamp ds status",
      ),
    );

  const repo = program.command("repo").description("create and inspect swamp repositories");
  repo
    .command("init")
    .description("make the directory a swamp repository (.swamp.yaml with a repoId, .swamp/, models/)")
    .addHelpText("after", examples("swamp repo init", "swamp repo init --repo-dir ./infra --json"))
    .action(lazyAction(() => import("./commands/repo-init.ts")));

  const data = program.command("data").description("write, read, query and clean up versioned data records");
  data
    .command("put")
    .description("write a new version of a data record (takes the model's lease)")
    .argument("<model>", "model name (or definition id)")
    .argument("<name>", "data name")
    .option("--value <text>", "the content, inline")
    .option("--file <path>", "read the content from a file")
    .option("--stdin", "read the content from standard input")
    .option(
      "--model-type <type>",
      "create the model with this type if it does not exist (e.g. aws::ec2::vpc)",
    )
    .option("--content-type <mime>", "content type (default: inferred from --file's extension or the value)")
    .option("--kind <kind>", "tags.type: resource, file, log, data or your own", "resource")
    .option("--spec <specName>", "tags.specName (default: the data name)")
    .option("--tag <key=value>", "extra tag (repeatable)", collect, [])
    .option("--lifetime <lifetime>", "ephemeral, infinite, job, workflow or a duration like 7d", "infinite")
    .option("--gc <policy>", "keep N versions, or a duration", "10")
    .option("--adopt", "take over a name written by another owner")
    .addHelpText(
      "after",
      examples(
        'swamp data put vpc main --model-type aws::ec2::vpc --value \'{"cidr":"10.0.0.0/16"}\'',
        "swamp data put vpc plan --file plan.json --tag env=prod",
        "terraform show -json | swamp data put vpc state --stdin --content-type application/json",
      ),
    )
    .action(lazyAction(() => import("./commands/data-put.ts")));
  data
    .command("get")
    .description("show one version of a data record (latest by default) with its content")
    .argument("[model]", "model name or id")
    .argument("[name]", "data name")
    .option("--model <model>", "model name or id (instead of the positional)")
    .option("--name <name>", "data name (instead of the positional)")
    .option("--version <n>", "a specific version")
    .option("--no-content", "omit the content")
    .addHelpText("after", examples("swamp data get vpc main", "swamp data get vpc main --version 2 --json"))
    .action(lazyAction(() => import("./commands/data-get.ts")));
  data
    .command("list")
    .description("list a model's data (latest version of each name), grouped by type")
    .argument("[model]", "model name or id")
    .option("--model <model>", "model name or id (instead of the positional)")
    .option("--type <type>", "only this tags.type (log, file, resource, data, …)")
    .addHelpText("after", examples("swamp data list vpc", "swamp data list vpc --type resource --json"))
    .action(lazyAction(() => import("./commands/data-list.ts")));
  data
    .command("versions")
    .description("list every version of a data record, newest first")
    .argument("[model]", "model name or id")
    .argument("[name]", "data name")
    .option("--model <model>", "model name or id")
    .option("--name <name>", "data name")
    .addHelpText("after", examples("swamp data versions vpc main"))
    .action(lazyAction(() => import("./commands/data-versions.ts")));
  data
    .command("query")
    .description(
      "query every record with a CEL predicate (latest versions unless it mentions version/isLatest)",
    )
    .argument("[predicate]", "CEL predicate over the record fields")
    .option("--select <cel>", "project each result with a CEL expression")
    .option("--limit <n>", "stop after N results")
    .addHelpText(
      "after",
      examples(
        "swamp data query 'modelName == \"vpc\"'",
        "swamp data query 'size > 1000 && tags.env == \"prod\"' --select 'name' --json",
        "swamp data query 'attributes.cidr.startsWith(\"10.\")' --limit 5",
        "swamp data query 'name == \"main\" && version >= 2'",
      ),
    )
    .action(lazyAction(() => import("./commands/data-query.ts")));
  data
    .command("delete")
    .description("delete a version, a whole name, or names by prefix (takes the model's lease)")
    .argument("[model]", "model name or id")
    .argument("[name]", "data name")
    .option("--model <model>", "model name or id")
    .option("--name <name>", "data name")
    .option("--version <n>", "delete only this version")
    .option("--prefix <prefix>", "delete every name starting with this prefix")
    .option("--all", "delete every name of the model")
    .option("--dry-run", "show what would be deleted")
    .option("-y, --yes", "do not ask for confirmation")
    .addOption(new Option("-f, --force", "same as --yes").hideHelp())
    .addHelpText(
      "after",
      examples(
        "swamp data delete vpc main --yes",
        "swamp data delete vpc main --version 1 -y",
        "swamp data delete vpc --prefix tmp- --dry-run",
      ),
    )
    .action(lazyAction(() => import("./commands/data-delete.ts")));
  data
    .command("rename")
    .description("rename a data record: copy the latest to the new name and leave a tombstone behind")
    .argument("[model]", "model name or id")
    .argument("[old]", "current data name")
    .argument("[new]", "new data name")
    .option("--model <model>", "model name or id")
    .option("--new-name <name>", "new data name")
    .addHelpText("after", examples("swamp data rename vpc main primary"))
    .action(lazyAction(() => import("./commands/data-rename.ts")));
  data
    .command("gc")
    .description("delete expired data and versions beyond each record's gc policy (takes the global lease)")
    .option("--dry-run", "show what would be deleted")
    .option("-y, --yes", "do not ask for confirmation")
    .addOption(new Option("-f, --force", "same as --yes").hideHelp())
    .addHelpText("after", examples("swamp data gc --dry-run", "swamp data gc --yes --json"))
    .action(lazyAction(() => import("./commands/data-gc.ts")));

  program
    .command("doctor")
    .description(
      "check leases, the index against the store, the cache against the index and the catalog against the data; --repair fixes what it safely can",
    )
    .addArgument(new Argument("[scope]", "what to check (only the datastore for now)").choices(["datastore"]))
    .option("--repair", "list the repairs doctor would apply (changes nothing without -y)")
    .option("-y, --yes", "with --repair: apply the repairs, then check again")
    .option("--timeout <seconds>", "give up after this many seconds, checks and repairs together", "60")
    .addHelpText(
      "after",
      `${examples(
        "swamp doctor",
        "swamp doctor --json | jq '.checks[] | select(.ok | not)'",
        "swamp doctor --repair",
        "swamp doctor --repair -y",
        "swamp doctor datastore --timeout 300",
      )}
Exit status: 0 when healthy, 1 when a problem remains. Objects, shards and temp files count as
left over only once older than ${GRACE_PERIOD_MS / 60_000} minutes (${GRACE_PERIOD_ENV} overrides it, in ms).
`,
    )
    .action(lazyAction(() => import("./commands/doctor.ts")));

  const ds = program
    .command("datastore")
    .alias("ds")
    .description("configure and inspect the datastore (alias: ds)");
  ds.command("status")
    .description("datastore type, path, health, namespaces and leases; live on a terminal (q quits)")
    .option("--once", "print one snapshot even on a terminal")
    .option(
      "--timeout <seconds>",
      "give up on a store that has not answered after this many seconds (default 10)",
    )
    .addHelpText(
      "after",
      examples("swamp ds status", "swamp ds status --json", "swamp ds status --once --timeout 30"),
    )
    .action(lazyAction(() => import("./commands/datastore-status.ts")));
  const setup = ds.command("setup").description("point the repo at a datastore, migrating existing data");
  const remote = allBackends().filter((d) => d.placement.kind === "remote");
  for (const backend of allBackends()) {
    for (const command of backend.setup) addSetupCommand(setup, backend.placement, command);
  }
  remoteSetupOptions(
    setup
      .command("extension")
      .description("the reference's form: a datastore type and its JSON config")
      .argument("<type>", listOr([...remote.map((d) => d.kind), ...remote.flatMap((d) => d.aliases)]))
      .requiredOption("--config <json>", "the type's config as JSON"),
  )
    .addHelpText(
      "after",
      examples(
        `swamp ds setup extension @swamp/s3-datastore --config '{"bucket":"team-bucket","region":"us-east-1"}'`,
      ),
    )
    .action(lazyAction(() => import("./commands/datastore-setup-extension.ts")));
  ds.command("sync")
    .description("pull and push the local cache of a remote datastore (push takes the global lease)")
    .option("--pull", "only pull")
    .option("--push", "only push")
    .option(
      "--timeout <seconds>",
      "give up after this many seconds (default: SWAMP_DATASTORE_SYNC_TIMEOUT_MS or 300)",
    )
    .option(
      "--republish",
      "upload this cache again over an emptied, restored or damaged index (never deletes or overwrites in the store)",
    )
    .option("-y, --yes", "accepted for compatibility; sync never asks")
    .addHelpText(
      "after",
      examples(
        "swamp ds sync",
        "swamp ds sync --pull --json",
        "swamp ds sync --push --timeout 600",
        "swamp ds sync --republish",
      ),
    )
    .action(lazyAction(() => import("./commands/datastore-sync.ts")));
  ds.command("compact")
    .description("checkpoint the catalog's WAL and vacuum it (takes the global lease)")
    .addHelpText("after", examples("swamp ds compact --json"))
    .action(lazyAction(() => import("./commands/datastore-compact.ts")));
  const lock = ds.command("lock").description("inspect and break leases");
  lock
    .command("status")
    .description("show the global lease and every per-model lease (never takes a lease)")
    .option(
      "--timeout <seconds>",
      "give up on a store that has not answered after this many seconds (default 10)",
    )
    .addHelpText("after", examples("swamp ds lock status", "swamp ds lock status --json | jq .global"))
    .action(lazyAction(() => import("./commands/datastore-lock-status.ts")));
  lock
    .command("release")
    .description("breakglass: free a stuck lease (the global one, or one model's with --model)")
    .option("--force", "required: confirms you know no swamp command is using the lease")
    .option("--model <type/id>", "free this model's lease instead of the global one")
    .option(
      "--timeout <seconds>",
      "give up on a store that has not answered after this many seconds (default 10)",
    )
    .addHelpText(
      "after",
      examples(
        "swamp ds lock release --force",
        "swamp ds lock release --force --model aws/ec2/vpc/6f0c1d2e-…",
      ),
    )
    .action(lazyAction(() => import("./commands/datastore-lock-release.ts")));
  return program;
}
