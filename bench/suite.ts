// What is measured, how often, and against which of the aims.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type Command, capture, timeRuns } from "./measure.ts";
import { type BenchResult, treeLabel } from "./report.ts";
import { latestCount, MODEL_COUNT, modelName, recordName, type SeededRepo } from "./seed.ts";

export interface Repetitions {
  put: number;
  list: number;
  query: number;
  /** Queries that read every record's content. */
  contentQuery: number;
  backfill: number;
}

export const FULL: Repetitions = { put: 20, list: 20, query: 10, contentQuery: 5, backfill: 5 };
export const QUICK: Repetitions = { put: 5, list: 5, query: 5, contentQuery: 3, backfill: 3 };

const TARGET = { putMs: 60, queryMs: 400, backfill100kMs: 5000 };
const BIG_TREE = 100_000;
const PROBE_MODEL = modelName(42);

interface QueryCase {
  key: string;
  label: string;
  args: string[];
  expected: (records: number) => number;
  readsContent?: boolean;
}

const QUERIES: QueryCase[] = [
  {
    key: "scan",
    label: "data query 'size > 0' (no pushdown)",
    args: ["size > 0"],
    expected: latestCount,
  },
  {
    key: "pushdown",
    label: `data query 'modelName == "${PROBE_MODEL}"' (pushdown)`,
    args: [`modelName == "${PROBE_MODEL}"`],
    expected: (records) => records / MODEL_COUNT + 1,
  },
  {
    key: "select",
    label: "data query 'size > 0' --select name --limit 10",
    args: ["size > 0", "--select", "name", "--limit", "10"],
    expected: () => 10,
  },
  {
    key: "attributes",
    label: `data query 'attributes.env == "prod"' (reads content)`,
    args: ['attributes.env == "prod"'],
    expected: (records) => records / 2,
    readsContent: true,
  },
  {
    key: "attributes-range",
    label: "data query 'int(attributes.i) % 10000 == 0' (reads content, few results)",
    args: ["int(attributes.i) % 10000 == 0"],
    expected: (records) => records / 10_000,
    readsContent: true,
  },
];

/** Every data benchmark on one seeded tree. Writes come last so that reads see exactly the seeded records. */
export function* benchTree(binary: string, tree: SeededRepo, reps: Repetitions): Generator<BenchResult> {
  yield* benchBackfill(binary, tree, reps);
  yield benchList(binary, tree, reps);
  yield* benchQueries(binary, tree, reps);
  yield* benchPut(binary, tree, reps);
}

/** The total a command reports, checked against what the seeding implies: a wrong count means a wrong benchmark. */
function checkedTotal(command: Command, expected: number): number {
  const { total } = JSON.parse(capture(command).stdout) as { total: number };
  if (total !== expected) {
    throw new Error(`'${command.argv.slice(1).join(" ")}' reported ${total} results, expected ${expected}.`);
  }
  return total;
}

function benchBackfill(binary: string, tree: SeededRepo, reps: Repetitions): BenchResult[] {
  const command: Command = { argv: [binary, "data", "query", "size < 0", "--json"], cwd: tree.dir };
  const dropCatalog = () => {
    for (const suffix of ["", "-wal", "-shm"]) {
      rmSync(join(tree.dir, ".swamp", "data", `_catalog.db${suffix}`), { force: true });
    }
  };
  const stats = timeRuns(reps.backfill, () => command, dropCatalog);
  return [
    {
      id: `backfill.${treeLabel(tree.records)}`,
      label: "catalog backfill + data query 'size < 0'",
      records: tree.records,
      stats,
      results: latestCount(tree.records),
      ...(tree.records === BIG_TREE ? { targetMs: TARGET.backfill100kMs } : {}),
      method: "spawn",
      note: "catalog deleted before each run; results = records indexed; page cache warm",
    },
    {
      id: `query.nomatch.${treeLabel(tree.records)}`,
      label: "data query 'size < 0' (populated catalog, no matches)",
      records: tree.records,
      // The last backfill left a populated catalog: this and every read after it use it.
      results: checkedTotal(command, 0),
      stats: timeRuns(reps.query, () => command),
      ...(tree.records === BIG_TREE ? { targetMs: TARGET.queryMs } : {}),
      method: "spawn",
    },
  ];
}

function benchList(binary: string, tree: SeededRepo, reps: Repetitions): BenchResult {
  const command: Command = { argv: [binary, "data", "list", PROBE_MODEL, "--json"], cwd: tree.dir };
  const results = checkedTotal(command, tree.records / MODEL_COUNT + 1);
  return {
    id: `list.${treeLabel(tree.records)}`,
    label: `data list ${PROBE_MODEL} --json`,
    records: tree.records,
    stats: timeRuns(reps.list, () => command),
    results,
    method: "spawn",
  };
}

function* benchQueries(binary: string, tree: SeededRepo, reps: Repetitions): Generator<BenchResult> {
  for (const q of QUERIES) {
    const command: Command = { argv: [binary, "data", "query", ...q.args, "--json"], cwd: tree.dir };
    const results = checkedTotal(command, q.expected(tree.records));
    yield {
      id: `query.${q.key}.${treeLabel(tree.records)}`,
      label: q.label,
      records: tree.records,
      stats: timeRuns(q.readsContent ? reps.contentQuery : reps.query, () => command),
      results,
      ...(tree.records === BIG_TREE ? { targetMs: TARGET.queryMs } : {}),
      method: "spawn",
      ...(q.readsContent
        ? { note: "reads every latest record's content: kept in the catalog by the untimed first run" }
        : {}),
    };
  }
}

function benchPut(binary: string, tree: SeededRepo, reps: Repetitions): BenchResult[] {
  const put = (name: string, i: number): Command => ({
    argv: [binary, "data", "put", PROBE_MODEL, name, "--value", JSON.stringify({ bench: i }), "--json"],
    cwd: tree.dir,
  });
  const existing = recordName(0);
  capture(put(existing, -1));
  const series = (key: string, label: string, command: (i: number) => Command): BenchResult => ({
    id: `put.${key}.${treeLabel(tree.records)}`,
    label,
    records: tree.records,
    stats: timeRuns(reps.put, command),
    targetMs: TARGET.putMs,
    method: "spawn",
  });
  return [
    series("version", `data put ${PROBE_MODEL} ${existing} (new version)`, (i) => put(existing, i)),
    series("name", `data put ${PROBE_MODEL} <new name>`, (i) => put(`bench-new-${i}`, i)),
  ];
}
