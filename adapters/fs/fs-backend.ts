import type { FilesystemBackend } from "../../core/backends/filesystem.ts";
import type { BackendAdapter } from "../backends/backend-adapter.ts";
import { FsDatastoreVerifier } from "./fs-datastore-verifier.ts";
import { FsObjectStore } from "./fs-object-store.ts";

/** A folder: the store is the folder itself; healthy when it is a directory we can write to. */
export const fsBackendAdapter: BackendAdapter<FilesystemBackend> = {
  kind: "filesystem",
  open: async (config, deps) => new FsObjectStore(config.path, deps.clock, deps.host),
  transientFailures: false,
  verifier: (config, _store, deps) => new FsDatastoreVerifier(config.path, deps.clock, deps.host),
};
