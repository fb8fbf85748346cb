import { describe, expect, test } from "bun:test";
import type { Command } from "commander";
import { directLine } from "../../cli/direct-run.ts";
import { buildProgram } from "../../cli/program.ts";
import type { ParsedLine } from "../../cli/run.ts";

/** What commander hands the command for `argv`, read the way cli/run.ts's lazyAction reads it. */
async function commanderLine(argv: string[]): Promise<ParsedLine> {
  const program = await buildProgram(argv);
  let line: ParsedLine | undefined;
  const capture = (cmd: Command) => {
    cmd.exitOverride();
    cmd.action((...received: unknown[]) => {
      const command = received[received.length - 1] as Command;
      line = {
        args: received
          .slice(0, -2)
          .flatMap((a) => (Array.isArray(a) ? a : a === undefined ? [] : [String(a)])),
        opts: { ...(received[received.length - 2] as Record<string, unknown>) },
        globals: { ...command.optsWithGlobals() },
      };
    });
    for (const sub of cmd.commands) capture(sub);
  };
  for (const sub of program.commands) capture(sub);
  program.exitOverride();
  await program.parseAsync(argv, { from: "user" });
  if (!line) throw new Error(`commander ran no command for ${argv.join(" ")}`);
  return line;
}

describe("command lines run without commander", () => {
  const read = [
    ["data", "get", "vpc", "main"],
    ["data", "get", "vpc", "main", "--json"],
    ["--json", "data", "get", "vpc", "main", "--version", "2", "--no-content"],
    ["-q", "data", "get", "--model", "vpc", "--name=main", "--offline", "-v"],
    ["--repo-dir", "/tmp/r", "data", "get", "vpc", "main", "--raw", "--no-color"],
    ["data", "put", "vpc", "main", "--value", '{"cidr":"10.0.0.0/16"}', "--model-type", "aws::ec2::vpc"],
    ["data", "put", "vpc", "main", "--file", "-", "--tag", "env=prod", "--tag", "team=net", "--gc", "3"],
    ["data", "query", 'modelName == "vpc"', "--select", "name", "--limit", "10", "--json"],
    ["ds", "status", "--json"],
    ["data", "list", "vpc"],
    ["version"],
  ];
  for (const argv of read) {
    test(`swamp ${argv.join(" ")} reads as commander reads it`, async () => {
      const direct = await directLine(argv);
      expect(direct).toBeDefined();
      const expected = await commanderLine(argv);
      expect(direct?.line.args).toEqual(expected.args);
      expect(direct?.line.opts).toEqual(expected.opts);
      // Commander's globals also hold the command's own options.
      expect({ ...direct?.line.opts, ...direct?.line.globals }).toEqual(expected.globals);
    });
  }

  const left = [
    ["data", "get", "vpc", "main", "--help"],
    ["help", "data", "get"],
    ["data"],
    ["data", "get", "--bogus"],
    ["data", "get", "vpc", "main", "extra"],
    ["data", "put", "vpc"],
    ["data", "get", "vpc", "main", "--version"],
    ["data", "get", "vpc", "main", "--version", "-2"],
    ["data", "get", "vpc", "main", "--json", "--json"],
    ["data", "get", "vpc", "main", "-qv"],
    ["data", "get", "--", "vpc", "main"],
    ["--model", "vpc", "data", "get", "main"],
    ["data", "get", "vpc", "main", "--raw=yes"],
    ["__complete", "data", "g"],
  ];
  for (const argv of left) {
    test(`swamp ${argv.join(" ")} is left to commander`, async () => {
      expect(await directLine(argv)).toBeUndefined();
    });
  }
});
