import type { DataMetadata } from "./data-record.ts";

const UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  mo: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** `30d`, `12h`, `6mo`, `1y` (m = minutes, mo = months) in milliseconds; null when not a duration. */
export function durationMs(text: string): number | null {
  const match = /^(\d+)(mo|y|h|m|d|w)$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

export interface NameVersions {
  model: { type: string; id: string };
  name: string;
  /** Every complete version's metadata, any order. */
  versions: DataMetadata[];
}

export interface GcPlan {
  /** Whole names whose lifetime has run out. */
  expired: {
    model: { type: string; id: string };
    name: string;
    reason: "duration-expired";
    versions: DataMetadata[];
  }[];
  /** Versions beyond a name's garbage-collection policy (never its latest). */
  excess: { model: { type: string; id: string }; name: string; version: DataMetadata }[];
}

/**
 * What `data gc` deletes (docs/architecture.md, "Writing data"): expired names, then versions
 * beyond each name's policy.
 */
export function planGc(names: NameVersions[], now: number): GcPlan {
  const plan: GcPlan = { expired: [], excess: [] };
  for (const entry of names) {
    const sorted = [...entry.versions].sort((a, b) => b.version - a.version);
    const latest = sorted[0];
    if (!latest) continue;
    const lifetime = durationMs(latest.lifetime);
    if (lifetime !== null && now - Date.parse(latest.createdAt) > lifetime) {
      plan.expired.push({
        model: entry.model,
        name: entry.name,
        reason: "duration-expired",
        versions: sorted,
      });
      continue;
    }
    const policy = latest.garbageCollection;
    const keep = typeof policy === "number" ? policy : /^\d+$/.test(policy) ? Number(policy) : null;
    const maxAge = keep === null ? durationMs(String(policy)) : null;
    sorted.slice(1).forEach((version, i) => {
      const beyondCount = keep !== null && i + 1 >= keep;
      const tooOld = maxAge !== null && now - Date.parse(version.createdAt) > maxAge;
      if (beyondCount || tooOld) plan.excess.push({ model: entry.model, name: entry.name, version });
    });
  }
  return plan;
}
