// Checks the hexagon's rules in a swamp checkout (default: the checkout this script is in):
//   1. the import rules in .dependency-cruiser.cjs, run by dependency-cruiser on core/, adapters/ and cli/
//      (layering, core's purity, no circular imports);
//   2. core never touches the runtime directly (Bun., Deno., process.env and friends, fetch(,
//      setInterval(, Date.now(): it takes them through a port. dependency-cruiser sees imports only,
//      so this part reads core's source lines (comment lines are skipped).
// Test files (*.test.ts, *_test.ts) are not checked. See docs/architecture.md, "Checked rules".
// Usage: bun scripts/check-architecture.ts [DIR]
// Prints each violation and exits 1 if there is any; otherwise ends with "architecture: ok (...)".
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const repo = resolve(dirname(import.meta.path), "..");
const target = resolve(process.argv[2] ?? repo);
const config = join(repo, ".dependency-cruiser.cjs");
const depcruise = join(repo, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

const layers = ["core", "adapters", "cli"] as const;
const isTestFile = (name: string) => /(\.test\.tsx?|_test\.tsx?)$/.test(name);
const runtimeCall =
  /\b(Bun\.|Deno\.|process\.(env|exit|argv|stdout|stderr|cwd|pid|kill)|fetch\(|setInterval\(|Date\.now\(\))/;
const commentLine = /^\s*(\/\/|\*|\/\*)/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !isTestFile(name)) out.push(path);
  }
  return out;
}

const violations: string[] = [];
const present = layers.filter((layer) => existsSync(join(target, layer)));
for (const layer of layers) {
  if (!present.includes(layer)) violations.push(`architecture: no ${layer}/ folder`);
}

// 1. Imports. dependency-cruiser's own exit code is its number of errors.
let cruised = "";
let importViolations = 0;
if (present.length > 0) {
  const run = Bun.spawnSync(
    [process.execPath, depcruise, "--config", config, "--output-type", "err", "--no-progress", ...present],
    { cwd: target, stdout: "pipe", stderr: "pipe" },
  );
  const out = `${run.stdout.toString()}${run.stderr.toString()}`.replace(/^\n+|\s+$/g, "");
  if (run.exitCode !== 0) {
    process.stdout.write(`${out}\n`);
    importViolations = run.exitCode > 0 ? run.exitCode : 1;
  } else {
    cruised = out.split("\n").find((line) => line.includes("no dependency violations found")) ?? out;
  }
}

// 2. Runtime calls in core.
let coreFiles = 0;
if (present.includes("core")) {
  for (const file of sourceFiles(join(target, "core"))) {
    coreFiles++;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (runtimeCall.test(line) && !commentLine.test(line)) {
          violations.push(
            `architecture: ${relative(target, file)}:${i + 1}: core must not touch the runtime; take it through a port: ${line.trim()}`,
          );
        }
      });
  }
}

if (violations.length + importViolations > 0) {
  for (const v of violations) console.log(v);
  console.log(`architecture: ${violations.length + importViolations} violation(s)`);
  process.exit(1);
}
console.log(
  `architecture: ok (${coreFiles} core files checked for runtime calls; imports: ${cruised.trim()})`,
);
