// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${VAR}" path syntax is the subject under test
import { describe, expect, test } from "bun:test";
import { SwampError } from "../../core/errors.ts";
import { expandPath } from "../../core/expand-path.ts";

const ctx = { env: { DATA: "/srv/data", EMPTY: "", NAME: "team" }, homeDir: "/home/u", baseDir: "/repo" };

describe("expandPath", () => {
  test.each([
    ["/abs/path", "/abs/path"],
    ["~", "/home/u"],
    ["~/swamp", "/home/u/swamp"],
    ["$DATA/x", "/srv/data/x"],
    ["${DATA}/x", "/srv/data/x"],
    ["/mnt/${NAME}-store", "/mnt/team-store"],
    ["/mnt/$NAME.d", "/mnt/team.d"],
    ["rel/dir", "/repo/rel/dir"],
    ["../shared", "/shared"],
    ["$EMPTY/x", "/x"],
    ["~user/x", "/repo/~user/x"],
    ["/a/~/b", "/a/~/b"],
  ])("%p → %p", (raw, expected) => {
    expect(expandPath(raw, ctx)).toBe(expected);
  });

  test("an unset variable is an error naming it", () => {
    for (const raw of ["$NOPE/x", "${NOPE}/x"]) {
      try {
        expandPath(raw, ctx);
        throw new Error("expected a throw");
      } catch (e) {
        expect(e).toBeInstanceOf(SwampError);
        expect((e as SwampError).message).toBe(
          `Environment variable NOPE is not set (used in path "${raw}"). Set NOPE, or write the path out in full.`,
        );
      }
    }
  });
});
