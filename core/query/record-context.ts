import { CATALOG_COLUMNS, QUERYABLE_FIELDS } from "../catalog-columns.ts";
import type { CatalogRow } from "../ports/catalog.ts";
import type { RecordField } from "./cel-environment.ts";
import type { DataFunctions } from "./data-functions.ts";
import type { RecordContent } from "./record-content.ts";

/**
 * The row field behind each context field: the queryable columns of core/catalog-columns.ts by
 * their CEL names; attributes and content come from the record's bytes.
 */
export const ROW_FIELD: Readonly<Record<RecordField, keyof CatalogRow | null>> = {
  ...(Object.fromEntries(QUERYABLE_FIELDS.map((field) => [CATALOG_COLUMNS[field].cel, field])) as Record<
    Exclude<RecordField, "attributes" | "content">,
    keyof CatalogRow
  >),
  attributes: null,
  content: null,
};

/**
 * The CEL context of one catalog row. Getters, not a copied object: cel-js reads only the
 * identifiers an expression names, so a row costs one small allocation and BigInts are made on
 * demand. Each queryable column's getter is defined from core/catalog-columns.ts when the class is.
 */
export class RecordContext {
  constructor(
    private readonly row: CatalogRow,
    private readonly loaded: RecordContent | undefined,
    readonly data: DataFunctions,
  ) {}

  static {
    for (const field of QUERYABLE_FIELDS) {
      const column = CATALOG_COLUMNS[field];
      const get =
        column.storage === "integer"
          ? function (this: RecordContext) {
              return BigInt(this.row[field] as number);
            }
          : function (this: RecordContext) {
              return this.row[field];
            };
      Object.defineProperty(RecordContext.prototype, column.cel, { get, configurable: true });
    }
  }

  get attributes() {
    return this.loaded?.attributes ?? null;
  }
  get content() {
    return this.loaded?.content ?? null;
  }
}

/** Thrown by a ContentlessContext when the expression reads the content; one instance, so no stack is captured per row. */
const CONTENT_NOT_LOADED = new Error("content not loaded");

/**
 * A row's context before its content is read: `attributes` and `content` throw. CEL's `&&` and `||`
 * absorb an error when the other side decides (`false && error` is false), so an expression that
 * evaluates here does not depend on the content.
 */
export class ContentlessContext extends RecordContext {
  constructor(row: CatalogRow, data: DataFunctions) {
    super(row, undefined, data);
  }

  override get attributes(): never {
    throw CONTENT_NOT_LOADED;
  }
  override get content(): never {
    throw CONTENT_NOT_LOADED;
  }
}
