/**
 * node:fs and node:fs/promises, loaded when first used. In the compiled binary each takes about a
 * millisecond to load, as much as a read command's own work, so the read path goes through Bun's
 * own file APIs and never loads them; a writer loads them when it first writes
 * (docs/architecture.md, "Command line").
 */
export const fsp = (): typeof import("node:fs/promises") => require("node:fs/promises");

export const fsSync = (): typeof import("node:fs") => require("node:fs");
