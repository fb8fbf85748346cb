import { describe, expect, test } from "bun:test";
import type { Command } from "commander";
import { buildProgram, completionsFor, helpAsFlag, unknownTopic } from "../../cli/program.ts";

const names = (cmd: Command | undefined) => (cmd?.commands ?? []).map((c) => c.name());
const child = (cmd: Command | undefined, name: string) => cmd?.commands.find((c) => c.name() === name);

describe("the command tree", () => {
  test("the top-level help lists the groups and top-level commands, loading none of the groups' commands", async () => {
    const program = await buildProgram(["--help"]);
    expect(names(program)).toEqual(["repo", "data", "doctor", "datastore", "version", "completion"]);
    expect(names(child(program, "data"))).toEqual([]);
    expect(child(program, "datastore")?.aliases()).toEqual(["ds"]);
  });

  test("a group's help lists its commands and groups one level down, in order", async () => {
    const program = await buildProgram(["data"]);
    expect(names(child(program, "data"))).toEqual([
      "put",
      "get",
      "list",
      "versions",
      "query",
      "delete",
      "rename",
      "gc",
    ]);
    const ds = child(await buildProgram(["ds", "--help"]), "datastore");
    expect(names(ds)).toEqual([
      "status",
      "setup",
      "sync",
      "compact",
      "lock",
      "namespace",
      "namespaces",
      "catalog",
    ]);
    expect(names(child(ds, "setup"))).toEqual([]);
    const ns = child(child(await buildProgram(["ds", "namespace"]), "datastore"), "namespace");
    expect(names(ns)).toEqual(["set", "list", "migrate", "unset"]);
  });

  test("a command run loads only that command, with every option it declares", async () => {
    const program = await buildProgram(["--repo-dir", "/x", "data", "put", "vpc", "main", "--value", "data"]);
    expect(names(program)).toEqual(["data"]);
    const put = child(child(program, "data"), "put");
    expect(put?.options.map((o) => o.long)).toContain("--model-type");
    expect(names(child(program, "data"))).toEqual(["put"]);
  });

  test("every command builds, each option read under the name it is declared with", async () => {
    const ds = await buildProgram(["datastore", "setup"]);
    const setups = names(child(child(ds, "datastore"), "setup"));
    expect(setups).toEqual(["filesystem", "s3", "minio", "gcs", "extension"]);
    const paths = [
      ...["put", "get", "list", "versions", "query", "delete", "rename", "gc"].map((n) => ["data", n]),
      ["repo", "init"],
      ["doctor"],
      ["version"],
      ["completion"],
      ...["status", "sync", "compact"].map((n) => ["datastore", n]),
      ...setups.map((n) => ["datastore", "setup", n]),
      ["datastore", "lock", "status"],
      ["datastore", "lock", "release"],
      ["datastore", "namespace", "set"],
      ["datastore", "namespace", "list"],
      ["datastore", "namespaces"],
      ["datastore", "namespace", "migrate"],
      ["datastore", "namespace", "unset"],
    ];
    for (const path of paths) {
      let cmd: Command | undefined = await buildProgram(path);
      for (const word of path) cmd = child(cmd, word);
      expect(cmd?.name()).toBe(path[path.length - 1] as string);
    }
  });

  test("shared options read the same in every command", async () => {
    const descriptions = new Set<string>();
    for (const name of ["get", "list", "versions", "delete", "rename"]) {
      const cmd = child(child(await buildProgram(["data", name]), "data"), name);
      const model = cmd?.options.find((o) => o.long === "--model");
      descriptions.add(model?.description ?? "missing");
    }
    expect([...descriptions]).toEqual(["model name or id (instead of the positional)"]);
  });
});

describe("namespace commands", () => {
  test("`ds namespaces` is `ds namespace list` under another name", async () => {
    const via = async (path: string[]) => {
      let cmd: Command | undefined = await buildProgram(path);
      for (const word of path) cmd = child(cmd, word === "ds" ? "datastore" : word);
      return cmd?.options.map((o) => o.long);
    };
    const list = await via(["ds", "namespace", "list"]);
    expect(list).toContain("--timeout");
    expect(await via(["ds", "namespaces"])).toEqual(list);
  });

  test("every setup takes --namespace", async () => {
    for (const name of ["filesystem", "s3", "minio", "gcs", "extension"]) {
      const cmd = child(
        child(child(await buildProgram(["datastore", "setup", name]), "datastore"), "setup"),
        name,
      );
      expect({ name, flags: cmd?.options.map((o) => o.long) }).toMatchObject({
        name,
        flags: expect.arrayContaining(["--namespace"]),
      });
    }
  });
});

describe("help", () => {
  /** What `swamp <path…> --help` prints. */
  const helpOf = async (path: string[]): Promise<string> => {
    let cmd: Command | undefined = await buildProgram([...path, "--help"]);
    for (const word of path) cmd = child(cmd, word);
    const parts: string[] = [];
    cmd?.configureOutput({ writeOut: (s) => parts.push(s) });
    cmd?.outputHelp();
    return parts.join("");
  };

  test("`help <group> <command>` is `<group> <command> --help`, wherever the global flags are", () => {
    expect(helpAsFlag(["help", "data", "put"])).toEqual({
      argv: ["data", "put", "--help"],
      topic: ["data", "put"],
    });
    expect(helpAsFlag(["--repo-dir", "help", "help", "ds", "--json"])).toEqual({
      argv: ["--repo-dir", "help", "ds", "--json", "--help"],
      topic: ["ds"],
    });
    expect(helpAsFlag(["help"])).toEqual({ argv: ["--help"], topic: [] });
    expect(helpAsFlag(["data", "put", "help"])).toEqual({ argv: ["data", "put", "help"] });
  });

  test("a help topic naming no command is found out, whatever the depth", async () => {
    const topic = (words: string[]) => buildProgram([...words, "--help"]).then((p) => unknownTopic(p, words));
    expect(await topic(["data", "put"])).toBeUndefined();
    expect(await topic(["ds", "lock", "status"])).toBeUndefined();
    expect(await topic(["data", "nosuch", "x"])).toBe("data nosuch");
    expect(await topic(["nosuch"])).toBe("nosuch");
  });

  test("every group's help has examples and the global flags", async () => {
    const groups = [
      ["repo"],
      ["data"],
      ["datastore"],
      ...["setup", "lock", "catalog", "namespace"].map((g) => ["datastore", g]),
    ];
    for (const path of groups) {
      const text = await helpOf(path);
      expect({ path, examples: text.includes("\nExamples:\n  $ swamp ") }).toEqual({ path, examples: true });
      expect(text).toContain("Global Options:");
    }
  });

  test("a command's help shows the global flags after its own", async () => {
    const text = await helpOf(["data", "get"]);
    const global = text.slice(text.indexOf("Global Options:"));
    expect(text.indexOf("Global Options:")).toBeGreaterThan(text.indexOf("--no-content"));
    for (const flag of ["--json", "-q, --quiet", "-v, --verbose", "--no-color", "--repo-dir <dir>"])
      expect(global).toContain(flag);
  });
});

describe("completion", () => {
  test("commands and groups under the typed path, the `ds` alias and --repo-dir's value read right", async () => {
    expect(await completionsFor(["data", "q"])).toEqual(["query"]);
    expect(await completionsFor(["ds", "lock", ""])).toEqual(["status", "release"]);
    expect(await completionsFor(["d"])).toEqual(["data", "doctor", "datastore"]);
    expect(await completionsFor(["--repo-dir", "data", "ds", "s"])).toEqual(["status", "setup", "sync"]);
    expect(await completionsFor(["datastore", "namespace", "m"])).toEqual(["migrate"]);
  });

  test("options: the command's own (loaded for it) and the global ones", async () => {
    expect(await completionsFor(["data", "put", "--mo"])).toEqual(["--model-type"]);
    const all = await completionsFor(["data", "get", "-"]);
    expect(all).toEqual(
      expect.arrayContaining(["--version", "--no-content", "--json", "--repo-dir", "--help"]),
    );
    expect(all).not.toContain("--force");
  });

  test("the value of an option or argument with choices; nothing for a free value", async () => {
    expect(await completionsFor(["ds", "setup", "s3", "--hydration-strategy", ""])).toEqual(["full", "lazy"]);
    expect(await completionsFor(["completion", "z"])).toEqual(["zsh"]);
    expect(await completionsFor(["data", "put", "--value", ""])).toEqual([]);
  });
});
