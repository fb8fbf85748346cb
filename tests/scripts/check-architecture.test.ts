// The architecture check's configuration (.dependency-cruiser.cjs and scripts/check-architecture.ts),
// run on small fixture trees: a clean tree passes, and each kind of violation fails the check and is
// named in its output. See docs/architecture.md, "Checked rules".
import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const script = join(import.meta.dir, "..", "..", "scripts", "check-architecture.ts");

/** A tree that keeps every rule: core imports only core, adapters import core, cli imports both. */
const clean: Record<string, string> = {
  "core/rules.ts": 'import type { Shape } from "./shape.ts";\nexport const area = (s: Shape) => s.w * s.h;\n',
  "core/shape.ts": "export interface Shape { w: number; h: number }\n",
  "core/ports/clock.ts": "export interface Clock { now(): number }\n",
  // Comment lines may name what code may not: Date.now() and process.env are fine here.
  "core/notes.ts": "// Never call Date.now() or read process.env here.\nexport const note = 1;\n",
  "adapters/fs-store.ts":
    'import { readFileSync } from "node:fs";\nimport type { Clock } from "../core/ports/clock.ts";\n' +
    "export const read = (p: string, c: Clock) => [readFileSync(p), c.now()];\n",
  "adapters/system-clock.ts": "export const systemClock = { now: () => Date.now() };\n",
  "cli/main.ts":
    'import { read } from "../adapters/fs-store.ts";\nimport { systemClock } from "../adapters/system-clock.ts";\n' +
    'import { area } from "../core/rules.ts";\nexport const run = () => [read("x", systemClock), area({ w: 1, h: 2 })];\n',
  // Test files are exempt from the layering rules.
  "core/rules.test.ts":
    'import { readFileSync } from "node:fs";\nimport { run } from "../cli/main.ts";\nexport const t = [readFileSync, run, Bun.env];\n',
};

async function check(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const root = await mkdtemp(join(tmpdir(), "swamp-arch-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const child = Bun.spawn([process.execPath, script, root], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    return { code, out: out + err };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe("scripts/check-architecture.ts", () => {
  test("passes a tree that keeps every rule", async () => {
    const { code, out } = await check(clean);
    expect(out).toContain("architecture: ok");
    expect(out).toContain("no dependency violations found");
    expect(code).toBe(0);
  });

  const violations: [string, Record<string, string>, string[]][] = [
    [
      "core importing node:fs",
      { "core/x.ts": 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n' },
      ["core-no-io-builtins: core/x.ts → fs"],
    ],
    [
      "core importing other I/O built-ins, Bun's modules, an SDK and the UI",
      {
        "core/x.ts":
          'import * as os from "os";\nimport { Database } from "bun:sqlite";\nimport { $ } from "bun";\n' +
          'import { S3Client } from "@aws-sdk/client-s3";\nimport { render } from "ink";\nimport type { Command } from "commander";\n' +
          "export const x = [os, Database, $, S3Client, render];\nexport type C = Command;\n",
      },
      [
        "core-no-io-builtins: core/x.ts → os",
        "core-no-io-builtins: core/x.ts → bun:sqlite",
        "core-no-io-builtins: core/x.ts → bun",
        "core-no-sdk: core/x.ts → @aws-sdk/client-s3",
        "core-no-ui: core/x.ts → ink",
        "core-no-ui: core/x.ts → commander",
      ],
    ],
    [
      "core importing an SDK and the UI installed in node_modules (resolved paths)",
      {
        "node_modules/ink/package.json": '{"name":"ink","main":"index.js"}\n',
        "node_modules/ink/index.js": "module.exports = {};\n",
        "node_modules/@google-cloud/storage/package.json":
          '{"name":"@google-cloud/storage","main":"index.js"}\n',
        "node_modules/@google-cloud/storage/index.js": "module.exports = {};\n",
        "core/x.ts":
          'import { render } from "ink";\nimport { Storage } from "@google-cloud/storage";\n' +
          "export const x = [render, Storage];\n",
      },
      [
        "core-no-ui: core/x.ts → node_modules/ink/index.js",
        "core-no-sdk: core/x.ts → node_modules/@google-cloud/storage/index.js",
      ],
    ],
    [
      "core importing adapters/",
      { "core/x.ts": 'import { read } from "../adapters/fs-store.ts";\nexport const x = read;\n' },
      ["core-not-to-adapters-or-cli: core/x.ts → adapters/fs-store.ts"],
    ],
    [
      "an adapter importing cli/",
      { "adapters/x.ts": 'import { run } from "../cli/main.ts";\nexport const x = run;\n' },
      ["adapters-not-to-cli: adapters/x.ts → cli/main.ts"],
    ],
    [
      "a two-file cycle (one side type-only)",
      {
        "cli/a.ts": 'import { b } from "./b.ts";\nexport type A = { b: typeof b };\n',
        "cli/b.ts": 'import type { A } from "./a.ts";\nexport const b: A | null = null;\n',
      },
      ["no-circular: cli/a.ts →", "cli/b.ts →", "cli/a.ts"],
    ],
    [
      "core calling the runtime directly",
      { "core/x.ts": "export const x = () => [Date.now(), process.env.HOME];\n" },
      ["core/x.ts:1: core must not touch the runtime"],
    ],
  ];

  for (const [name, defect, expected] of violations) {
    test(`fails on ${name}`, async () => {
      const { code, out } = await check({ ...clean, ...defect });
      for (const line of expected) expect(out).toContain(line);
      expect(out).not.toContain("architecture: ok");
      expect(code).not.toBe(0);
    });
  }

  test("reports every violation of a tree that breaks them all, and counts them", async () => {
    // Each case's core/x.ts under its own name, so that they all stand side by side. The case with
    // packages in node_modules stays out: there, the bare `ink` of another case would resolve too.
    const all: Record<string, string> = { ...clean };
    const expected: string[] = [];
    const cases = violations.filter(
      ([, defect]) => !Object.keys(defect).some((p) => p.startsWith("node_modules/")),
    );
    cases.forEach(([, defect, lines], i) => {
      const rename = (text: string) => text.replaceAll("core/x.ts", `core/x${i}.ts`);
      for (const [path, text] of Object.entries(defect)) all[rename(path)] = text;
      expected.push(...lines.map(rename));
    });
    const { code, out } = await check(all);
    for (const line of expected) expect(out).toContain(line);
    // 1 + 6 + 1 + 1 + 1 import violations (the cycle is one), and one runtime call.
    expect(cases).toHaveLength(violations.length - 1);
    expect(out).toContain("architecture: 11 violation(s)");
    expect(code).toBe(1);
  });

  test("fails on a tree without core/, adapters/ or cli/", async () => {
    const { code, out } = await check({ "core/x.ts": "export const x = 1;\n" });
    expect(out).toContain("architecture: no adapters/ folder");
    expect(out).toContain("architecture: no cli/ folder");
    expect(code).toBe(1);
  });
});
