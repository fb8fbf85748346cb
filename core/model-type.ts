import { invalid } from "./errors.ts";

const EXAMPLE = 'Use a type like "aws/ec2/vpc" or "AWS::EC2::VPC".';

/**
 * Normalizes a model type into a path-safe form (`AWS::EC2::VPC` → `aws/ec2/vpc`):
 * lowercase; `::`, whitespace and `.` become `/`; repeated `/` squashed; outer `/` trimmed.
 */
export function normalizeModelType(type: string): string {
  // `.` becomes `/`, so `..` could never survive normalization; reject it up front instead of
  // silently turning `../x` into `x`.
  if (type.split(/[/\\]|::/).some((segment) => segment.trim() === "..")) {
    throw invalid(`Invalid model type "${type}": types cannot contain ".." segments. ${EXAMPLE}`);
  }
  if (type.includes("\\") || type.includes("\0")) {
    throw invalid(`Invalid model type "${type}": types cannot contain "\\" or NUL characters. ${EXAMPLE}`);
  }
  const normalized = type
    .toLowerCase()
    .replace(/::|\s|\./g, "/")
    .replace(/\/{2,}/g, "/")
    .replace(/^\/+|\/+$/g, "");
  if (normalized === "") {
    throw invalid(`Invalid model type "${type}": it is empty after normalization. ${EXAMPLE}`);
  }
  return normalized;
}
