// The hexagon's import rules, checked by scripts/check-architecture.ts (the `architecture` step of
// scripts/test-all.sh). See docs/architecture.md, "Checked rules".
//   core/      pure domain and ports: no I/O, no SDKs, no UI, nothing from adapters/ or cli/
//   adapters/  implement core ports with I/O and SDKs; never import cli/
//   cli/       composition root and presentation: may import anything
//   everywhere: no circular imports
// Only core/, adapters/ and cli/ are cruised; test files (*.test.ts, *_test.ts) are left out, so
// they are exempt from the layering rules (and nothing imports a test, so no cycle runs through one).
//
// Type-only imports (`import type`) count: they are part of the graph for every rule, cycles
// included. A type-only cycle costs nothing at run time, but it still ties two files together so
// that neither can be understood or moved alone; the fix is the same as for a value cycle (put the
// shared types in a file both import).

// Node/Bun built-ins that do I/O or touch the runtime, with or without the `node:` prefix.
const ioBuiltins = [
  "fs",
  "fs/promises",
  "child_process",
  "net",
  "http",
  "https",
  "http2",
  "os",
  "dgram",
  "dns",
  "tls",
  "worker_threads",
  "cluster",
  "process",
  "readline",
];
const bunModules = ["bun", "bun:[a-z_]+"];
// Packages core must not use: cloud SDKs and the UI. A package matches where it resolved into
// node_modules/ and also as a bare name (when it is not installed, it stays unresolved).
const sdkPackages = ["@aws-sdk/[^/]+", "@smithy/[^/]+", "@google-cloud/[^/]+"];
const uiPackages = ["ink", "ink-[^/]+", "react", "commander"];
const packagePath = (names) => `(^|/)node_modules/(${names.join("|")})/|^(${names.join("|")})(/|$)`;

const source = "^(core|adapters|cli)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-not-to-adapters-or-cli",
      comment: "core must not depend on adapters/ or cli/",
      severity: "error",
      from: { path: "^core/" },
      to: { path: "^(adapters|cli)/" },
    },
    {
      name: "adapters-not-to-cli",
      comment: "adapters must not import cli/",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: "^cli/" },
    },
    {
      name: "core-no-io-builtins",
      comment: "core must stay pure: no Node/Bun built-in that does I/O or touches the runtime",
      severity: "error",
      from: { path: "^core/" },
      to: { path: `^(node:)?(${ioBuiltins.join("|")})$|^(${bunModules.join("|")})$` },
    },
    {
      name: "core-no-sdk",
      comment: "core must stay pure: no cloud SDK (take storage through a port)",
      severity: "error",
      from: { path: "^core/" },
      to: { path: packagePath(sdkPackages) },
    },
    {
      name: "core-no-ui",
      comment: "core must stay pure: no UI or command-line framework",
      severity: "error",
      from: { path: "^core/" },
      to: { path: packagePath(uiPackages) },
    },
    {
      name: "no-circular",
      comment: "no circular imports (type-only imports count)",
      severity: "error",
      from: { path: source },
      to: { circular: true },
    },
  ],
  options: {
    // @swc/core parses the TypeScript: dependency-cruiser's tsc parser needs the TypeScript JS API,
    // which TypeScript 7 (the native compiler this repo uses) no longer ships. The swc parser always
    // keeps type-only imports (marked "type-only"), which is what the rules above want; the
    // tsPreCompilationDeps option only concerns the tsc parser, so it is not set.
    parser: "swc",
    exclude: { path: "(\\.test\\.tsx?|_test\\.tsx?)$" },
    doNotFollow: { path: "(^|/)node_modules/" },
    moduleSystems: ["es6", "cjs"],
  },
};
