// Compile-time checks, run by `tsc --noEmit -p .`: a backend that misses a part does not build.
import { expect, test } from "bun:test";
import type { BackendAdapter } from "../../../adapters/backends/backend-adapter.ts";
import { fsBackendAdapter } from "../../../adapters/fs/fs-backend.ts";
import { s3BackendAdapter } from "../../../adapters/s3/s3-backend.ts";
import type { BackendDescriptor } from "../../../core/backends/backend-descriptor.ts";
import { filesystemBackend } from "../../../core/backends/filesystem.ts";
import type { BackendOf, DatastoreKind } from "../../../core/backends/registry.ts";

interface AzureBackend {
  kind: "azure";
  container: string;
}

const { setup: _setup, ...withoutSetup } = {
  kind: "azure",
  label: "Azure",
  aliases: [],
  configKeys: ["container"],
  shortForm: { syntax: "container", parse: (rest: string) => ({ container: rest }) },
  yaml: {},
  parse: () => ({ kind: "azure", container: "c" }),
  placement: {
    kind: "remote",
    location: () => ({ bucket: "c" }),
    tunables: () => ({ requestTimeoutMs: 1, pullConcurrency: 1, pushConcurrency: 1 }),
  },
  setup: [],
} satisfies BackendDescriptor<AzureBackend>;

// @ts-expect-error a descriptor without its setup commands is rejected
const incomplete: BackendDescriptor<AzureBackend> = withoutSetup;

// @ts-expect-error a config key the backend does not have is rejected
const badKeys: BackendDescriptor<AzureBackend>["configKeys"] = ["bucket"];

// @ts-expect-error the descriptor registry must hold every kind
const partialAdapters: { readonly [K in DatastoreKind]: BackendAdapter<BackendOf<K>> } = {
  filesystem: fsBackendAdapter,
  s3: s3BackendAdapter,
};

// @ts-expect-error a descriptor of one kind cannot stand for another
const wrongKind: BackendDescriptor<BackendOf<"s3">> = filesystemBackend;

test("the compile-time checks above are the test", () => {
  expect([incomplete, badKeys, partialAdapters, wrongKind].length).toBe(4);
});
