import { Database } from "bun:sqlite";
import { fsSync } from "../fs/lazy-fs.ts";
import { ensureSchema } from "./catalog-schema.ts";

const errorCode = (e: unknown) => (e instanceof Error ? (e as Error & { code?: unknown }).code : undefined);

export const isBusy = (e: unknown) => errorCode(e) === "SQLITE_BUSY" || errorCode(e) === "SQLITE_LOCKED";

/** The file is not a database, or a page of it is damaged (extended codes included). */
export function isCorrupt(e: unknown): boolean {
  const code = errorCode(e);
  return typeof code === "string" && (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB");
}

/**
 * The inode of the catalog file, to tell whether another process has replaced it meanwhile.
 * Through Bun.file: opening the catalog never loads node:fs (see adapters/fs/lazy-fs.ts).
 */
export const inodeOf = (dbPath: string): Promise<number | undefined> =>
  Bun.file(dbPath)
    .stat()
    .then(
      (stats) => stats.ino,
      () => undefined,
    );

/** inodeOf for a statement that found the file damaged (synchronous, and rare). */
export const inodeNow = (dbPath: string): number | undefined =>
  fsSync().statSync(dbPath, { throwIfNoEntry: false })?.ino;

/** Makes the catalog's folder when it is missing. */
export async function ensureFolder(dir: string): Promise<void> {
  const found = await Bun.file(dir)
    .stat()
    .then(
      (stats) => stats.isDirectory(),
      () => false,
    );
  if (!found) fsSync().mkdirSync(dir, { recursive: true });
}

/** The catalog is a rebuildable index: losing the last commits on power loss is acceptable. */
export const SYNCHRONOUS = "NORMAL";

/**
 * Opens the catalog with its connection settings and schema. No integrity check: a damaged file
 * shows up as SQLITE_NOTADB here or SQLITE_CORRUPT in a later statement, and both are recovered
 * from by the caller.
 */
export function connect(dbPath: string): Database {
  const db = new Database(dbPath, { create: true });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const { journal_mode } = db.query("PRAGMA journal_mode").get() as { journal_mode: string };
    if (journal_mode.toLowerCase() !== "wal") db.query("PRAGMA journal_mode = WAL").get();
    db.run(`PRAGMA synchronous = ${SYNCHRONOUS}`);
    // Room for a backfill's index builds; memory is only taken when a statement needs it.
    db.run("PRAGMA cache_size = -65536");
    db.run("PRAGMA temp_store = MEMORY");
    ensureSchema(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Renames the catalog and its WAL files to `<db>.corrupt-<time>`; returns the new path. */
export function moveAside(dbPath: string, now: number): string {
  const target = `${dbPath}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
  const fs = fsSync();
  fs.renameSync(dbPath, target);
  for (const suffix of ["-wal", "-shm"]) {
    if (fs.existsSync(dbPath + suffix)) fs.renameSync(dbPath + suffix, target + suffix);
  }
  return target;
}
