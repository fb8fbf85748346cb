import { Optional } from "@marcbachmann/cel-js";
import { base64 } from "../base64.ts";

/**
 * A CEL value as plain JSON-able data: BigInt (int, uint) → number, timestamps → ISO strings,
 * bytes → base64, optionals → their value or null, other CEL objects (durations, types) → their text.
 */
export function toPlainValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(toPlainValue);
  if (value instanceof Set) return [...value].map(toPlainValue);
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([key, item]) => [String(key), toPlainValue(item)]));
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return base64(value);
  if (value instanceof Optional) return value.hasValue() ? toPlainValue(value.value()) : null;
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = toPlainValue(item);
    return out;
  }
  const primitive = value.valueOf();
  return typeof primitive === "bigint" ? Number(primitive) : String(value);
}
