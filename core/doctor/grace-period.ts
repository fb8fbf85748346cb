/**
 * How old an object must be before doctor calls it left over (docs/architecture.md, "Doctor"):
 * a push uploads its objects and shards before it commits the meta that names them, and a writer
 * builds each version in a temp dir before renaming it into place, so anything younger may be
 * work in flight.
 */
export const GRACE_PERIOD_MS = 60 * 60 * 1000;

/** Overrides the grace period, in ms (tests: the stores stamp objects with their own clock). */
export const GRACE_PERIOD_ENV = "SWAMP_DOCTOR_GRACE_MS";

/** `SWAMP_DOCTOR_GRACE_MS` when it is a whole number of ms (0 included), else the 1 h default. */
export function gracePeriodMs(env: Readonly<Record<string, string | undefined>>): number {
  const text = env[GRACE_PERIOD_ENV]?.trim();
  if (text === undefined || !/^\d+$/.test(text)) return GRACE_PERIOD_MS;
  const ms = Number(text);
  return Number.isSafeInteger(ms) ? ms : GRACE_PERIOD_MS;
}

/** Whether something `ageMs` old is past the grace period, so no work in flight can own it. */
export function isPastGrace(ageMs: number, graceMs: number): boolean {
  return ageMs >= graceMs;
}
