import { Environment } from "@marcbachmann/cel-js";
import { DataFunctions } from "./data-functions.ts";

/** Root identifiers a query may use, with their CEL types (`ns` because `namespace` is reserved in CEL). */
export const RECORD_FIELD_TYPES = {
  id: "string",
  name: "string",
  version: "int",
  isLatest: "bool",
  createdAt: "string",
  attributes: "dyn",
  tags: "map<string, string>",
  modelName: "string",
  modelId: "string",
  modelType: "string",
  specName: "string",
  dataType: "string",
  contentType: "string",
  lifetime: "string",
  ownerType: "string",
  streaming: "bool",
  size: "int",
  content: "dyn",
  ownerRef: "string",
  workflowRunId: "string",
  workflowName: "string",
  jobName: "string",
  stepName: "string",
  source: "string",
  ns: "string",
} as const;

export type RecordField = keyof typeof RECORD_FIELD_TYPES;

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
