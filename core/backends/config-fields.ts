/**
 * Readers of config fields shared by the backends' `parse` and by the generic resolution
 * (datastore-config.ts). A reader adds a problem to `issues` instead of throwing, so that every
 * problem of a config is reported at once.
 */

import type { RawConfig } from "./backend-descriptor.ts";

export function requiredString(raw: RawConfig, key: string, issues: string[]): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") {
    issues.push(`${key} is required`);
    return undefined;
  }
  if (typeof value !== "string") {
    issues.push(`${key} must be a string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function optionalString(raw: RawConfig, key: string, issues: string[]): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") {
    issues.push(`${key} must be a string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A key prefix, without leading or trailing `/`; empty means none. */
export function prefixField(raw: RawConfig, issues: string[]): string | undefined {
  const value = optionalString(raw, "prefix", issues);
  if (value === undefined) return undefined;
  const trimmed = value.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return undefined;
  if (trimmed.split("/").some((s) => s === "" || s === "." || s === "..")) {
    issues.push(`prefix must be "/"-separated names without empty, "." or ".." segments; got "${value}"`);
    return undefined;
  }
  return trimmed;
}

export function urlField(raw: RawConfig, key: string, issues: string[]): string | undefined {
  const value = optionalString(raw, key, issues);
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    issues.push(`${key} must be an http(s) URL such as "http://127.0.0.1:9000"; got "${value}"`);
    return undefined;
  }
  return value;
}

export function boolField(raw: RawConfig, key: string, issues: string[]): boolean | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") {
    issues.push(`${key} must be true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

export function intField(
  raw: RawConfig,
  key: string,
  min: number,
  max: number,
  issues: string[],
): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!isInteger(value) || value < min || value > max) {
    issues.push(`${key} must be an integer from ${min} to ${max}, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A `datastore setup` flag's value when it is text (commander gives booleans for bare flags). */
export function textFlag(opts: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = opts[key];
  return typeof value === "string" ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** A value as a message shows it: `"text"`, `3`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

export function pickDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** "a, b or c". */
export function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
