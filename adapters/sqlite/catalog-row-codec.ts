import type { SQLQueryBindings } from "bun:sqlite";
import {
  CATALOG_COLUMNS,
  CATALOG_FIELDS,
  type CatalogField,
  type ColumnStorage,
  type ColumnStorageTypes,
} from "../../core/catalog-columns.ts";
import type { CatalogRow, CatalogSlice } from "../../core/ports/catalog.ts";

type SqlValue = string | number;

/**
 * How each storage type's field value is bound, and how its SQL value is read back (`decode`, and
 * the same as JS source over an expression, for `fromValues`); none means as is. Every column of
 * core/catalog-columns.ts is coded by its storage type (docs/architecture.md, "Catalog").
 */
const CODECS: {
  [S in ColumnStorage]: {
    sqlType: "TEXT" | "INTEGER";
    encode?: (value: ColumnStorageTypes[S]) => SqlValue;
    decode?: (value: SqlValue) => ColumnStorageTypes[S];
    decodeSource?: (value: string) => string;
  };
} = {
  text: { sqlType: "TEXT" },
  integer: { sqlType: "INTEGER" },
  boolean: {
    sqlType: "INTEGER",
    encode: (b) => (b ? 1 : 0),
    decode: (v) => v === 1,
    decodeSource: (v) => `${v} === 1`,
  },
  json: {
    sqlType: "TEXT",
    encode: (map) => JSON.stringify(map),
    decode: (v) => JSON.parse(v as string) as Record<string, string>,
    decodeSource: (v) => `JSON.parse(${v})`,
  },
};

type Encode = ((value: unknown) => SqlValue) | undefined;

const FIELDS: readonly string[] = CATALOG_FIELDS;
const COLUMN_COUNT = CATALOG_FIELDS.length;
const codecOf = (field: CatalogField) => CODECS[CATALOG_COLUMNS[field].storage];
/** Each column's encoder, in column order; undefined: the value as is. */
const ENCODERS = CATALOG_FIELDS.map((field) => codecOf(field).encode as Encode);
/** Where `toBindings` puts the latest flag it is given. */
const IS_LATEST_AT = CATALOG_FIELDS.indexOf("isLatest");

/** A SQL literal of a column's default. */
function sqlLiteral(value: string | number | boolean | Record<string, string>): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") return String(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** The column definitions of the catalog table, in column order (without its primary key). */
export const COLUMN_DEFINITIONS: readonly string[] = CATALOG_FIELDS.map((field) => {
  const column = CATALOG_COLUMNS[field];
  const fallback = "default" in column ? ` DEFAULT ${sqlLiteral(column.default)}` : "";
  return `${column.sql} ${CODECS[column.storage].sqlType} NOT NULL${fallback}`;
});

/** Every column, in the order `toBindings` and `fromValues` use. */
export const ALL_COLUMNS = CATALOG_FIELDS.map((field) => CATALOG_COLUMNS[field].sql).join(", ");

/** Upserts one row, bound with `toBindings`. */
export const INSERT = `INSERT OR REPLACE INTO catalog (${ALL_COLUMNS})
  VALUES (${CATALOG_FIELDS.map(() => "?").join(", ")})`;

export function columnsOf(fields: readonly CatalogField[]): string {
  return fields.map((field) => CATALOG_COLUMNS[field].sql).join(", ");
}

/** The row's values in column order, with `isLatest` as given. */
export function toBindings(r: CatalogRow, isLatest: boolean): SQLQueryBindings[] {
  const row = r as unknown as Record<string, unknown>;
  const out = new Array<SQLQueryBindings>(COLUMN_COUNT);
  for (let i = 0; i < COLUMN_COUNT; i++) {
    const value = row[FIELDS[i] as string];
    const encode = ENCODERS[i];
    out[i] = (encode === undefined ? value : encode(value)) as SQLQueryBindings;
  }
  out[IS_LATEST_AT] = isLatest ? 1 : 0;
  return out;
}

/**
 * A row from `SELECT rowid, ${ALL_COLUMNS}` as values (arrays are cheaper than bun's row objects).
 * One object literal, compiled once from the table: a row built field by field in a loop made
 * `data query` measurably slower (docs/architecture.md, "Catalog"). Keys and code come from
 * core/catalog-columns.ts, never from data.
 */
export const fromValues = new Function(
  "v",
  `return { ${CATALOG_FIELDS.map((field, i) => {
    const decode = codecOf(field).decodeSource ?? ((value: string) => value);
    return `${JSON.stringify(field)}: ${decode(`v[${i + 1}]`)}`;
  }).join(", ")} };`,
) as (v: SqlValue[]) => CatalogRow;

/** Decodes rows from `SELECT rowid, ${columnsOf(fields)}` as values; the rowid is the row's handle. */
export function sliceDecoder<F extends CatalogField>(
  fields: readonly F[],
): (v: SqlValue[]) => CatalogSlice<F> {
  const decoders = fields.map((field) => codecOf(field).decode ?? ((x: SqlValue) => x));
  return (v) => {
    const slice: Record<string, unknown> = { handle: v[0] };
    for (let i = 0; i < fields.length; i++)
      slice[fields[i] as string] = (decoders[i] as (x: SqlValue) => unknown)(v[i + 1] as SqlValue);
    return slice as CatalogSlice<F>;
  };
}
