/** The commands doctor's findings name as their fix, spelled once. */
export const REPAIR_COMMAND = "swamp doctor --repair -y";
export const REPUBLISH_COMMAND = "swamp datastore sync --republish";
export const PUSH_COMMAND = "swamp datastore sync --push";
export const PULL_COMMAND = "swamp datastore sync --pull";
export const LOCK_STATUS_COMMAND = "swamp datastore lock status";

/** `lock release --force` for the global lease, or one model's with `--model type/id`. */
export function releaseCommand(model: { type: string; id: string } | null): string {
  const base = "swamp datastore lock release --force";
  return model ? `${base} --model ${model.type}/${model.id}` : base;
}

/** Doctor itself, run again later (for what is judged once older). */
export const DOCTOR_COMMAND = "swamp doctor";

/** Moves solo-mode data at the datastore (or cache) root under the repo's namespace. */
export const MIGRATE_COMMAND = "swamp datastore namespace migrate --confirm";
