import { Environment } from "@marcbachmann/cel-js";
import {
  CATALOG_COLUMNS,
  type CelNameOf,
  type ColumnStorage,
  QUERYABLE_FIELDS,
  type QueryableField,
} from "../catalog-columns.ts";
import { DataFunctions } from "./data-functions.ts";

/** The CEL type of each storage type of core/catalog-columns.ts. */
export const CEL_TYPES = {
  text: "string",
  integer: "int",
  boolean: "bool",
  json: "map<string, string>",
} as const satisfies Record<ColumnStorage, string>;

/** The record fields that are no column: read from the record's bytes when an expression uses them. */
const CONTENT_FIELD_TYPES = { attributes: "dyn", content: "dyn" } as const;

/** A root identifier a query may use (docs/architecture.md, "Queries"). */
export type RecordField = CelNameOf<QueryableField> | keyof typeof CONTENT_FIELD_TYPES;

/**
 * Root identifiers a query may use, with their CEL types: each queryable column of
 * core/catalog-columns.ts by its CEL name (`ns` for the namespace, because `namespace` is reserved
 * in CEL), and the content fields.
 */
export const RECORD_FIELD_TYPES: Readonly<Record<RecordField, string>> = {
  ...(Object.fromEntries(
    QUERYABLE_FIELDS.map((field) => {
      const column = CATALOG_COLUMNS[field];
      return [column.cel, CEL_TYPES[column.storage]];
    }),
  ) as Record<CelNameOf<QueryableField>, string>),
  ...CONTENT_FIELD_TYPES,
};

export const RECORD_FIELDS: readonly RecordField[] = Object.keys(RECORD_FIELD_TYPES).sort() as RecordField[];

/** The variable that carries the `data.*` functions. */
export const DATA_VARIABLE = "data";

const OPTIONS = { homogeneousAggregateLiterals: false, enableOptionalTypes: true } as const;

let builtins: Environment | undefined;
let environment: Environment | undefined;

/** True for identifiers CEL itself defines (type names such as `int`, `optional`, `cel`). */
export function isBuiltinIdentifier(name: string): boolean {
  builtins ??= new Environment(OPTIONS);
  return builtins.hasVariable(name);
}

/** The shared query environment; built on first use because building one is expensive. */
export function queryEnvironment(): Environment {
  if (environment) return environment;
  const env = new Environment(OPTIONS);
  for (const [name, type] of Object.entries(RECORD_FIELD_TYPES)) env.registerVariable(name, type);
  env
    .registerType("Data", DataFunctions)
    .registerVariable(DATA_VARIABLE, "Data")
    .registerFunction("Data.latest(string, string): dyn", (d: DataFunctions, m: string, n: string) =>
      d.latest(m, n),
    )
    .registerFunction(
      "Data.version(string, string, int): dyn",
      (d: DataFunctions, m: string, n: string, v: bigint) => d.version(m, n, v),
    )
    .registerFunction(
      "Data.listVersions(string, string): list<int>",
      (d: DataFunctions, m: string, n: string) => d.listVersions(m, n),
      { async: false },
    )
    .registerFunction("Data.findByTag(string, string): list<dyn>", (d: DataFunctions, k: string, v: string) =>
      d.findByTag(k, v),
    )
    .registerFunction(
      "Data.findBySpec(string, string): list<dyn>",
      (d: DataFunctions, m: string, s: string) => d.findBySpec(m, s),
    )
    .registerFunction("Data.query(string): list<dyn>", (d: DataFunctions, p: string) => d.query(p))
    .registerFunction("Data.query(string, string): list<dyn>", (d: DataFunctions, p: string, s: string) =>
      d.query(p, s),
    );
  environment = env;
  return env;
}
