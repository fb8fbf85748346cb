import { describe, expect, test } from "bun:test";
import {
  completeLength,
  decodeCursor,
  encodeCursor,
  formatHeader,
  formatNames,
  isUnchanged,
  type LogCursor,
  parseHeader,
  parseNames,
  planRead,
  stampOf,
} from "../../../adapters/fs/change-log-format.ts";

const ref = (name: string, type = "aws/ec2/vpc", id = "6f0c2a1e-0000-4000-8000-000000000001") => ({
  type,
  id,
  name,
});
const bytes = (text: string) => new TextEncoder().encode(text);

describe("header", () => {
  test("carries the log's id, on one line", () => {
    const header = formatHeader("log-1");
    expect(header.endsWith("\n")).toBe(true);
    expect(header.indexOf("\n")).toBe(header.length - 1);
    expect(parseHeader(header)).toBe("log-1");
  });

  test("anything else is no header", () => {
    for (const line of [
      "",
      "garbage",
      '["aws/ec2/vpc","id","main"]',
      '{"swampChangeLog":2,"id":"x"}',
      '{"swampChangeLog":1,"id":""}',
      '{"swampChangeLog":1,"id":7}',
      "null",
    ]) {
      expect(parseHeader(line)).toBeNull();
    }
  });
});

describe("name lines", () => {
  test("read back what was written, each name once, whatever characters it holds", () => {
    const odd = ref('we"ird\\ name\twith ünïcode', "gcp/compute/net", "m-2");
    const text = formatNames([ref("main"), odd, ref("main"), ref("other")]);
    expect(text.split("\n")).toHaveLength(5);
    expect(parseNames(text)).toEqual([ref("main"), odd, ref("other")]);
  });

  test("the same name under another model or type is another name", () => {
    const names = [ref("main"), ref("main", "gcp/vpc"), ref("main", "aws/ec2/vpc", "other-id")];
    expect(parseNames(formatNames(names))).toEqual(names);
  });

  test("nothing to read is no names", () => {
    expect(parseNames("")).toEqual([]);
  });

  test("a damaged line spoils the read", () => {
    const good = formatNames([ref("main")]);
    for (const bad of [
      '["aws/ec2/vpc","id"]',
      '["aws/ec2/vpc","id","main","extra"]',
      '["aws/ec2/vpc","id",""]',
      '["aws/ec2/vpc","id",7]',
      '{"type":"x"}',
      // Two appends glued by a torn write.
      '["aws/ec2/vpc","id","ma["aws/ec2/vpc","id","main"]',
    ]) {
      expect(parseNames(`${good}${bad}\n${good}`)).toBeNull();
    }
  });

  test("only complete lines are read: a line still being written waits", () => {
    const whole = formatNames([ref("a"), ref("b")]);
    expect(completeLength(bytes(whole))).toBe(bytes(whole).length);
    expect(completeLength(bytes(`${whole}["aws/ec2/vp`))).toBe(bytes(whole).length);
    expect(completeLength(bytes('["aws/ec2/vp'))).toBe(0);
    expect(completeLength(new Uint8Array())).toBe(0);
  });
});

describe("cursor", () => {
  const cursor: LogCursor = { id: "log-1", offset: 120, stamp: "1:2:120:99" };

  test("round-trips", () => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  test("none, or one that is not a cursor, is null: the reader starts over", () => {
    for (const text of [
      null,
      "",
      "garbage",
      "null",
      '{"id":"x","offset":-1,"stamp":""}',
      '{"id":"x","offset":1.5,"stamp":""}',
      '{"id":"x","offset":"3","stamp":""}',
      '{"offset":3,"stamp":""}',
      '{"id":"x","offset":3}',
    ]) {
      expect(decodeCursor(text)).toBeNull();
    }
  });

  test("a stamp names the device, inode, size and modification time", () => {
    expect(stampOf({ dev: 1, ino: 2, size: 3, mtimeMs: 4.5 })).toBe("1:2:3:4.5");
  });

  test("unchanged only when the stamp is exactly the one the reader left", () => {
    expect(isUnchanged(cursor, "1:2:120:99")).toBe(true);
    expect(isUnchanged(cursor, "1:2:180:99")).toBe(false);
    expect(isUnchanged(cursor, "1:3:120:99")).toBe(false);
    expect(isUnchanged(null, "1:2:120:99")).toBe(false);
    // A cursor taken while the file was growing never matches: the next read looks.
    expect(isUnchanged({ ...cursor, stamp: "" }, "")).toBe(false);
  });
});

describe("planRead", () => {
  const log = { id: "log-1", headerEnd: 60, size: 300 };

  test("the same log: go on from the cursor", () => {
    expect(planRead({ id: "log-1", offset: 120, stamp: "" }, log)).toEqual({ kind: "tail", from: 120 });
    expect(planRead({ id: "log-1", offset: 300, stamp: "" }, log)).toEqual({ kind: "tail", from: 300 });
    expect(planRead({ id: "log-1", offset: 60, stamp: "" }, log)).toEqual({ kind: "tail", from: 60 });
  });

  test("no cursor, another log, or a log shorter than what was read: rebuild", () => {
    for (const cursor of [
      null,
      { id: "log-0", offset: 120, stamp: "" },
      { id: "log-1", offset: 301, stamp: "" },
      { id: "log-1", offset: 10, stamp: "" },
      { id: "", offset: 0, stamp: "absent:/x" },
    ]) {
      expect(planRead(cursor, log)).toEqual({ kind: "rebuild", from: 60 });
    }
  });
});
