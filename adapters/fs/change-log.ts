import type { FileHandle } from "node:fs/promises";
import type { DataNameKey } from "../../core/data-record.ts";
import type { ChangeFeed, ChangesSince } from "../../core/ports/change-feed.ts";
import type { Host } from "../../core/ports/host.ts";
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
} from "./change-log-format.ts";
import { fsp } from "./lazy-fs.ts";
import { dirname, join } from "./paths.ts";

/**
 * Past this size the next append replaces the log by an empty one. Replacing gives it a new
 * identity, so every repo following it does one full rebuild of its catalog: the price of a
 * log that never grows without bound (about 12k changes per MiB).
 */
export const COMPACT_AT_BYTES = 1024 * 1024;
/** A header is about 70 bytes; one without a newline within this many is damaged. */
const HEADER_MAX_BYTES = 256;

const errno = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;
const isMissing = (e: unknown) => errno(e) === "ENOENT" || errno(e) === "ENOTDIR";
const appendFlags = () => fsp().constants.O_WRONLY | fsp().constants.O_APPEND;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The datastore's change log: a small append-only file (`change-log-format.ts`) beside the data,
 * one line per data name changed by any process. A reader that finds the file as it left it
 * (one `stat`) knows nothing changed; otherwise it reads only what was appended since.
 * Appends are single `O_APPEND` writes, which land whole on a local disk.
 */
export class ChangeLog implements ChangeFeed {
  constructor(
    readonly path: string,
    private readonly host: Pick<Host, "uuid">,
  ) {}

  /** Records that `names` changed. Call it once the change is complete, so a reader of the line sees the change. */
  async append(names: readonly DataNameKey[]): Promise<void> {
    if (names.length === 0) return;
    const line = formatNames(names);
    // One write(2) of the line (writeFile repeats only a partial write, which a local disk does not
    // make for a line this short); no FileHandle, whose class costs a command about a millisecond.
    const append = () => fsp().writeFile(this.path, line, { flag: appendFlags() });
    try {
      await append();
    } catch (e) {
      if (!isMissing(e)) throw e;
      await this.#create();
      await append();
    }
    if ((await fsp().stat(this.path)).size > COMPACT_AT_BYTES) await this.#replace();
  }

  async since(encoded: string | null): Promise<ChangesSince> {
    try {
      return await this.#since(decodeCursor(encoded));
    } catch (e) {
      // A cursor that matches nothing: every read rebuilds until the log can be read again.
      const cursor = encodeCursor({ id: "", offset: 0, stamp: "" });
      const problem = `The datastore's change log ${this.path} could not be read (${(e as Error).message}): check its permissions`;
      return { kind: "unknown", cursor, problem };
    }
  }

  async #since(cursor: LogCursor | null): Promise<ChangesSince> {
    const stamp = await this.#stamp();
    if (isUnchanged(cursor, stamp)) return { kind: "unchanged" };
    if (stamp === this.#absent) await this.#create().catch(() => undefined);
    const handle = await this.#openOrNull();
    // Nowhere to keep a log (a read-only datastore): the reader remembers that, and rebuilds once one appears.
    if (handle === null) return { kind: "unknown", cursor: encodeCursor({ id: "", offset: 0, stamp }) };
    try {
      return await this.#read(handle, cursor);
    } finally {
      await handle.close();
    }
  }

  async #read(handle: FileHandle, cursor: LogCursor | null): Promise<ChangesSince> {
    const stats = await handle.stat();
    const size = Number(stats.size);
    const head = await readRange(handle, 0, Math.min(size, HEADER_MAX_BYTES));
    const headerEnd = head.indexOf(0x0a) + 1;
    const id = headerEnd === 0 ? null : parseHeader(text(head.subarray(0, headerEnd)));
    // Damaged beyond reading (truncated or edited): a fresh log, so that later changes are followed again.
    if (id === null) {
      const problem = `The datastore's change log ${this.path} was damaged and has been replaced`;
      return { kind: "unknown", cursor: encodeCursor(await this.#replace()), problem };
    }
    const plan = planRead(cursor, { id, headerEnd, size });
    const tail = await readRange(handle, plan.from, size);
    const complete = completeLength(tail);
    const end = plan.from + complete;
    const next = encodeCursor({ id, offset: end, stamp: end === size ? stampOf(stats) : "" });
    const names = parseNames(text(tail.subarray(0, complete)));
    if (plan.kind === "rebuild" || names === null) return { kind: "unknown", cursor: next };
    return { kind: "names", names, cursor: next };
  }

  async #stamp(): Promise<string> {
    try {
      // Bun.file's stat: a read that finds the log unchanged never loads node:fs/promises.
      return stampOf(await Bun.file(this.path).stat());
    } catch (e) {
      if (isMissing(e)) return this.#absent;
      throw e;
    }
  }

  get #absent(): string {
    return `absent:${this.path}`;
  }

  async #openOrNull(): Promise<FileHandle | null> {
    try {
      return await fsp().open(this.path, "r");
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  /** Creates the log with its header in one step (a link), so no appender ever writes to a headless log. */
  async #create(): Promise<void> {
    const fresh = await this.#freshFile();
    try {
      await fsp().link(fresh.temp, this.path);
    } catch (e) {
      if (errno(e) !== "EEXIST") throw e;
    } finally {
      await fsp().rm(fresh.temp, { force: true });
    }
  }

  /** Replaces the log by an empty one with a new id; returns the cursor at its end. */
  async #replace(): Promise<LogCursor> {
    const fresh = await this.#freshFile();
    try {
      await fsp().rename(fresh.temp, this.path);
    } catch (e) {
      await fsp().rm(fresh.temp, { force: true });
      throw e;
    }
    return fresh.cursor;
  }

  /** A header-only log in a temp file beside the log (`.tmp`: never synced), and the cursor at its end. */
  async #freshFile(): Promise<{ temp: string; cursor: LogCursor }> {
    const temp = join(dirname(this.path), `.${this.host.uuid()}.tmp`);
    const id = this.host.uuid();
    const header = formatHeader(id);
    await fsp().writeFile(temp, header, { flag: "wx" });
    // A rename keeps inode, size and mtime: the temp file's stamp is the log's once it is in place.
    const stamp = stampOf(await fsp().stat(temp));
    return { temp, cursor: { id, offset: Buffer.byteLength(header), stamp } };
  }
}

async function readRange(handle: FileHandle, start: number, end: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(Math.max(end - start, 0));
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
