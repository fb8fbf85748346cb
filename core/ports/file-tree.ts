/** A file's size and the SHA-256 of its bytes (hex). */
export interface FileDigest {
  size: number;
  sha256: string;
}

/**
 * A folder of files, each named by its forward-slash path relative to the folder: what a datastore
 * move reads and writes (docs/architecture.md, "Migration").
 */
export interface FileTree {
  /** Where the folder is, for messages. */
  readonly location: string;
  /** Every file, sorted; a path `skip` rejects is left out, with everything under it. None when the folder is missing. */
  list(skip: (path: string) => boolean): Promise<string[]>;
  /** The file's size and SHA-256, or null when there is no such file. */
  digest(path: string): Promise<FileDigest | null>;
  /** The file's bytes. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Copies `source`'s file at `path` to the same path here, atomically (whole or absent), unless
   * a file is there already: then nothing is written and the answer is false.
   */
  copyFrom(source: FileTree, path: string): Promise<boolean>;
  /** Removes these files, then the folders that removing them left empty. */
  remove(paths: readonly string[]): Promise<void>;
  /**
   * Rewrites the `latest` marker of the data name folder at `nameDir` (relative to this folder)
   * from its version folders, exactly (docs/architecture.md, "The latest marker").
   */
  refreshLatestMarker(nameDir: string): Promise<void>;
}
