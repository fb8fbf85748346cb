import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChangeLog, COMPACT_AT_BYTES } from "../../../adapters/fs/change-log.ts";
import { formatNames } from "../../../adapters/fs/change-log-format.ts";
import { systemHost } from "../../../adapters/system/system-host.ts";
import type { ChangesSince } from "../../../core/ports/change-feed.ts";

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "swamp-change-log-"));
  path = join(dir, ".swamp-changes.log");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ref = (name: string) => ({ type: "aws/ec2/vpc", id: "6f0c2a1e-0000-4000-8000-000000000001", name });
const log = () => new ChangeLog(path, systemHost());

/** The cursor of an answer that has one. */
function cursorOf(answer: ChangesSince): string {
  if (answer.kind === "unchanged") throw new Error("expected an answer with a cursor, got unchanged");
  return answer.cursor;
}

/** A reader that has followed the log up to now. */
async function follower(): Promise<string> {
  return cursorOf(await log().since(null));
}

const namesOf = (answer: ChangesSince) =>
  answer.kind === "names" ? answer.names.map((n) => n.name) : answer.kind;

describe("a reader that never followed", () => {
  test("creates the log when missing and reads everything", async () => {
    const answer = await log().since(null);
    expect(answer.kind).toBe("unknown");
    expect(readFileSync(path, "utf8")).toMatch(/^\{"swampChangeLog":1,"id":"[^"]+"\}\n$/);
    expect(await log().since(cursorOf(answer))).toEqual({ kind: "unchanged" });
  });

  test("of an existing log reads everything, and then only what comes after", async () => {
    await log().append([ref("a")]);
    const first = await log().since(null);
    expect(first.kind).toBe("unknown");
    await log().append([ref("b")]);
    expect(namesOf(await log().since(cursorOf(first)))).toEqual(["b"]);
  });
});

describe("following", () => {
  test("unchanged until someone appends; then only the new names, each once", async () => {
    const cursor = await follower();
    expect(await log().since(cursor)).toEqual({ kind: "unchanged" });
    // Another process's log object: nothing is shared but the file.
    await log().append([ref("a"), ref("b")]);
    await log().append([ref("a")]);
    const answer = await log().since(cursor);
    expect(namesOf(answer)).toEqual(["a", "b"]);
    expect(await log().since(cursorOf(answer))).toEqual({ kind: "unchanged" });
  });

  test("appending nothing leaves the file alone", async () => {
    const cursor = await follower();
    await log().append([]);
    expect(await log().since(cursor)).toEqual({ kind: "unchanged" });
  });

  test("a line still being written is read once it is complete", async () => {
    const cursor = await follower();
    const line = `${JSON.stringify(["aws/ec2/vpc", "6f0c2a1e-0000-4000-8000-000000000001", "slow"])}\n`;
    appendFileSync(path, line.slice(0, 10));
    const partial = await log().since(cursor);
    expect(namesOf(partial)).toEqual([]);
    // The cursor stopped before the partial line, and does not claim the file is as it left it.
    expect(await log().since(cursorOf(partial))).not.toEqual({ kind: "unchanged" });
    appendFileSync(path, line.slice(10));
    expect(namesOf(await log().since(cursorOf(partial)))).toEqual(["slow"]);
  });

  test("a damaged line: the reader cannot tell what changed, and reads everything once", async () => {
    const cursor = await follower();
    appendFileSync(path, "not json\n");
    const answer = await log().since(cursor);
    expect(answer).toMatchObject({ kind: "unknown" });
    expect(answer).not.toHaveProperty("problem");
    await log().append([ref("after")]);
    expect(namesOf(await log().since(cursorOf(answer)))).toEqual(["after"]);
  });

  test("concurrent appends each land whole", async () => {
    const cursor = await follower();
    const writers = Array.from({ length: 8 }, () => log());
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        (writers[i % writers.length] as ChangeLog).append([ref(`n-${i}`)]),
      ),
    );
    const answer = await log().since(cursor);
    expect(answer.kind).toBe("names");
    expect(namesOf(answer)).toHaveLength(400);
  });
});

describe("a log replaced or damaged: every reader rebuilds once", () => {
  test("compaction past the bound replaces the log with an empty one", async () => {
    const cursor = await follower();
    const batch = Array.from({ length: 1000 }, (_, i) => ref(`name-${String(i).padStart(6, "0")}`));
    const perBatch = Buffer.byteLength(formatNames(batch));
    for (let written = 0; written <= COMPACT_AT_BYTES; written += perBatch) await log().append(batch);
    expect(statSync(path).size).toBeLessThan(200);
    const answer = await log().since(cursor);
    expect(answer.kind).toBe("unknown");
    await log().append([ref("next")]);
    expect(namesOf(await log().since(cursorOf(answer)))).toEqual(["next"]);
  });

  test("a log replaced by hand (same size, new file)", async () => {
    const cursor = await follower();
    const before = readFileSync(path, "utf8");
    rmSync(path);
    writeFileSync(path, before.replace(/"id":"[^"]+"/, `"id":"${"x".repeat(36)}"`));
    expect((await log().since(cursor)).kind).toBe("unknown");
  });

  test("a log shorter than what was read", async () => {
    await log().append([ref("a"), ref("b")]);
    const cursor = await follower();
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.slice(0, text.indexOf("\n") + 1));
    expect((await log().since(cursor)).kind).toBe("unknown");
  });

  test("a headless log is replaced by a fresh one, and says so", async () => {
    const cursor = await follower();
    writeFileSync(path, "");
    const answer = await log().since(cursor);
    expect(answer).toMatchObject({ kind: "unknown", problem: expect.stringContaining(path) });
    expect(readFileSync(path, "utf8")).toMatch(/^\{"swampChangeLog":1/);
    expect(await log().since(cursorOf(answer))).toEqual({ kind: "unchanged" });
    await log().append([ref("a")]);
    expect(namesOf(await log().since(cursorOf(answer)))).toEqual(["a"]);
  });

  test("a deleted log", async () => {
    const cursor = await follower();
    rmSync(path);
    expect((await log().since(cursor)).kind).toBe("unknown");
  });
});

describe("where no log can be", () => {
  test("a reader remembers there is none, and rebuilds once one appears", async () => {
    const missing = join(dir, "not-yet", ".swamp-changes.log");
    const nowhere = new ChangeLog(missing, systemHost());
    const first = await nowhere.since(null);
    expect(first.kind).toBe("unknown");
    expect(await nowhere.since(cursorOf(first))).toEqual({ kind: "unchanged" });
    mkdirSync(join(dir, "not-yet"));
    await nowhere.append([ref("a")]);
    expect((await nowhere.since(cursorOf(first))).kind).toBe("unknown");
  });

  test("an unreadable log: rebuild on every read, and say why", async () => {
    mkdirSync(path);
    const answer = await log().since(null);
    expect(answer).toMatchObject({ kind: "unknown", problem: expect.stringContaining("could not be read") });
    expect((await log().since(cursorOf(answer))).kind).toBe("unknown");
  });

  test("an append that cannot write fails", async () => {
    mkdirSync(path);
    await expect(log().append([ref("a")])).rejects.toThrow();
  });
});
