import type { OwnerDefinition } from "./data-record.ts";
import { invalid, SwampError } from "./errors.ts";

const FORBIDDEN: ReadonlyArray<[string, string]> = [
  ["..", '".."'],
  ["/", '"/"'],
  ["\\", '"\\"'],
  ["\0", "NUL characters"],
];

function validateName(kind: "data" | "model", name: string): void {
  if (name === "") {
    throw invalid(`Invalid ${kind} name "": names cannot be empty. Use a name like "vpc-config".`);
  }
  for (const [sequence, label] of FORBIDDEN) {
    if (name.includes(sequence)) {
      const suggestion = FORBIDDEN.reduce((s, [seq]) => s.split(seq).join("-"), name);
      throw invalid(
        `Invalid ${kind} name "${name}": names cannot contain ${label}. Use a name like "${suggestion}".`,
      );
    }
  }
}

/** Data names become one directory level: no separators, no `..`, and `latest` is the marker file. */
export function validateDataName(name: string): void {
  validateName("data", name);
  if (name.toLowerCase() === "latest") {
    throw invalid(
      `Invalid data name "${name}": "latest" is reserved for the latest-version marker. Use a name like "${name}-data".`,
    );
  }
}

/** Model names become a file name under `models/{type}/`: same character rules as data names. */
export function validateModelName(name: string): void {
  validateName("model", name);
}

const DURATION = /^\d+(mo|y|h|m|d|w)$/;
const LIFETIMES = new Set(["ephemeral", "infinite", "job", "workflow"]);

/** Returns the lifetime to store ("0x" is the legacy spelling of "workflow"). */
export function validateLifetime(lifetime: string): string {
  if (lifetime === "0x") return "workflow";
  if (LIFETIMES.has(lifetime) || DURATION.test(lifetime)) return lifetime;
  throw new SwampError(
    "usage",
    `Invalid lifetime "${lifetime}". Use ephemeral, infinite, job, workflow, or a duration like 30d, 12h, 6mo, 1y (m = minutes, mo = months).`,
  );
}

/** Returns the policy to store: a number keeps that many versions, a duration keeps versions that young. */
export function validateGcPolicy(policy: number | string): number | string {
  const keep = typeof policy === "number" ? policy : /^\d+$/.test(policy) ? Number(policy) : Number.NaN;
  if (Number.isSafeInteger(keep) && keep > 0) return keep;
  if (typeof policy === "string" && DURATION.test(policy)) return policy;
  throw new SwampError(
    "usage",
    `Invalid garbage-collection policy "${policy}". Use a positive number of versions to keep (e.g. 10) or a duration (e.g. 30d).`,
  );
}

/** Writing onto an existing name requires the same owner, unless the caller adopts it. */
export function checkOwnership(
  existing: OwnerDefinition | undefined,
  incoming: OwnerDefinition,
  options: { adopt?: boolean; dataName?: string } = {},
): void {
  if (!existing || options.adopt) return;
  if (existing.ownerType === incoming.ownerType && existing.ownerRef === incoming.ownerRef) return;
  const subject = options.dataName === undefined ? "This data" : `Data "${options.dataName}"`;
  throw new SwampError(
    "ownership_conflict",
    `${subject} is owned by ${existing.ownerType} "${existing.ownerRef}", not ${incoming.ownerType} "${incoming.ownerRef}". Pass --adopt to take ownership.`,
    { currentOwner: { ownerType: existing.ownerType, ownerRef: existing.ownerRef } },
  );
}

const BY_EXTENSION: Record<string, string> = {
  json: "application/json",
  yaml: "application/yaml",
  yml: "application/yaml",
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  htm: "text/html",
  xml: "application/xml",
};

/**
 * Content type of `data put` input: by the file's extension when there is a file name;
 * otherwise (`--value`, stdin) JSON when it parses as JSON, text when it is UTF-8, else binary.
 */
export function inferContentType(fileName: string | undefined, content: string | Uint8Array): string {
  if (fileName !== undefined) {
    const base = fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1);
    const dot = base.lastIndexOf(".");
    const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
    return BY_EXTENSION[extension] ?? "application/octet-stream";
  }
  let text: string;
  try {
    text = typeof content === "string" ? content : new TextDecoder("utf-8", { fatal: true }).decode(content);
  } catch {
    return "application/octet-stream";
  }
  try {
    JSON.parse(text);
    return "application/json";
  } catch {
    return "text/plain";
  }
}
