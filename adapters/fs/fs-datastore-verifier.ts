import { rm, stat, writeFile } from "node:fs/promises";
import type { Clock } from "../../core/ports/clock.ts";
import type { DatastoreVerifier, HealthResult } from "../../core/ports/datastore-verifier.ts";
import type { Host } from "../../core/ports/host.ts";
import { join } from "./paths.ts";

/** A filesystem datastore is healthy when its path is a directory we can write to and delete from. */
export class FsDatastoreVerifier implements DatastoreVerifier {
  constructor(
    private readonly path: string,
    private readonly clock: Pick<Clock, "now">,
    private readonly host: Pick<Host, "uuid">,
  ) {}

  async verify(): Promise<HealthResult> {
    const started = this.clock.now();
    const result = (healthy: boolean, message: string): HealthResult => ({
      healthy,
      message,
      latencyMs: Math.max(0, Math.round(this.clock.now() - started)),
    });
    const info = await stat(this.path).catch(() => null);
    if (!info) {
      return result(
        false,
        `Datastore directory does not exist: ${this.path}. Run 'swamp datastore setup filesystem --path ${this.path}' to create it.`,
      );
    }
    if (!info.isDirectory()) {
      return result(
        false,
        `Datastore path is not a directory: ${this.path}. Point the datastore at a directory with 'swamp datastore setup filesystem --path <dir>'.`,
      );
    }
    const probe = join(this.path, `.swamp-health-check-${this.host.uuid()}`);
    try {
      await writeFile(probe, "ok");
      await rm(probe, { force: true });
    } catch (e) {
      return result(
        false,
        `Datastore directory is not writable: ${this.path} (${(e as Error).message}). Fix its permissions or choose another path.`,
      );
    }
    return result(true, "Datastore directory exists and is writable");
  }
}
