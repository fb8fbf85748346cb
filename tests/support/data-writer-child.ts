/**
 * A separate process writing versions of one name, for the concurrent-writer tests:
 * `bun data-writer-child.ts <datastoreDir> <label> <count>`.
 */
import { FsDataRepository } from "../../adapters/fs/fs-data-repository.ts";
import { systemClock } from "../../adapters/system/system-clock.ts";
import { systemHost } from "../../adapters/system/system-host.ts";
import { bytes, manualVersion, VPC } from "./data-fixtures.ts";

const [datastoreDir, label, count] = process.argv.slice(2);
if (!datastoreDir || !label || !count)
  throw new Error("usage: data-writer-child.ts <datastoreDir> <label> <count>");
const repo = new FsDataRepository(datastoreDir, { clock: systemClock, host: systemHost() });
for (let i = 0; i < Number(count); i++) {
  await repo.write(VPC, "shared", bytes(`${label}-${i}`), manualVersion());
}
