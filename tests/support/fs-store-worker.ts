// One contender in the cross-process FsObjectStore test: a create-only race for "winner",
// then 20 compare-and-swap increments of "counter".
import { FsObjectStore } from "../../adapters/fs/fs-object-store.ts";
import { systemClock } from "../../adapters/system/system-clock.ts";

const [rootDir, id] = process.argv.slice(2);
if (!rootDir || !id) throw new Error("usage: fs-store-worker.ts <rootDir> <id>");
const store = new FsObjectStore(rootDir, systemClock);
const encode = (text: string) => new TextEncoder().encode(text);

const created = await store.put("winner", encode(id), { absent: true });
let conflicts = 0;
for (let done = 0; done < 20; ) {
  if (conflicts > 10_000) throw new Error("counter: too many conflicts");
  const current = await store.get("counter");
  if (!current) throw new Error("counter missing");
  const next = Number(new TextDecoder().decode(current.body)) + 1;
  const result = await store.put("counter", encode(String(next)), { version: current.version });
  if (result.ok) done++;
  else conflicts++;
}
console.log(JSON.stringify({ id, won: created.ok, conflicts }));
