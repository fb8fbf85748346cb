import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./swamp.ts";

/** README.md as users read it. */
export function readme(): string {
  return readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
}

/** The text of the `## title` section, up to the next `## ` heading; throws when there is none. */
export function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const body = text.slice(start + title.length + 5);
  const end = body.indexOf("\n## ");
  return end < 0 ? body : body.slice(0, end);
}

/** The bodies of the fenced blocks of `text` whose info string is `lang`, in order. */
export function fencedBlocks(text: string, lang: string): string[] {
  const blocks: string[] = [];
  const fence = /^( *)```(\S*)\n([\s\S]*?)^\1```$/gm;
  for (const m of text.matchAll(fence)) if (m[2] === lang) blocks.push(m[3] as string);
  return blocks;
}

export type JsonType = "string" | "number" | "boolean" | "array" | "object" | "null";
const JSON_TYPES: readonly JsonType[] = ["string", "number", "boolean", "array", "object", "null"];

export interface FieldSpec {
  name: string;
  optional: boolean;
  types: JsonType[];
}

/**
 * The "JSON output" table: `| \`command\` | \`field\` type, \`field?\` type or type, … |` rows,
 * command → its top-level fields. Throws on a row it cannot read, so a typo cannot hide a field.
 */
export function jsonTable(text: string): Map<string, FieldSpec[]> {
  const table = new Map<string, FieldSpec[]>();
  for (const line of section(text, "JSON output").split("\n")) {
    const row = /^\| `swamp ([a-z0-9 -]+)` \| (.+) \|$/.exec(line);
    if (!row) continue;
    const fields = (row[2] as string).split(", ").map((item) => {
      const m = /^`(\w+)(\?)?` ([a-z]+(?: or [a-z]+)*)$/.exec(item);
      const types = (m?.[3] ?? "").split(" or ") as JsonType[];
      if (!m || !types.every((t) => JSON_TYPES.includes(t)))
        throw new Error(`README.md "JSON output": cannot read "${item}" in the row of ${row[1]}`);
      return { name: m[1] as string, optional: m[2] === "?", types };
    });
    table.set(row[1] as string, fields);
  }
  return table;
}

export function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

/** What differs between `doc` and the documented fields: missing, mistyped or undocumented ones. */
export function shapeProblems(doc: unknown, fields: readonly FieldSpec[]): string[] {
  if (jsonType(doc) !== "object") return [`the output is ${jsonType(doc)}, not an object`];
  const record = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const field of fields) {
    if (!(field.name in record)) {
      if (!field.optional) problems.push(`${field.name} is missing`);
    } else if (!field.types.includes(jsonType(record[field.name])))
      problems.push(
        `${field.name} is ${jsonType(record[field.name])}, documented ${field.types.join(" or ")}`,
      );
  }
  for (const key of Object.keys(record))
    if (!fields.some((f) => f.name === key)) problems.push(`${key} is not documented`);
  return problems;
}
