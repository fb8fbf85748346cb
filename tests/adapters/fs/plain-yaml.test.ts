import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { parsePlainYamlMapping } from "../../../adapters/fs/plain-yaml.ts";

describe("parsePlainYamlMapping", () => {
  const plain = [
    "repoId: 6f0c1d2e-aaaa-bbbb-cccc-000000000000\n",
    "repoId: x\ndatastore:\n  type: s3\n  bucket: b\n  region: eu-west-1\n  directories: [data, outputs]\n",
    "# comment\nrepoId: x # trailing\ndatastore:\n  type: filesystem\n  path: /mnt/a b\n",
    "datastore:\n  exclude:\n    - a\n    - b\n  namespace: infra\n",
    "list:\n  - name: a\n    size: 1\n  - name: a\n    size: 2\n",
    "a: 'it''s: here'\nb: \"x: y\"\nurl: http://host:9000/x\n",
    "note: |\n  line one\n  line two\n",
    "",
    "# only a comment\n",
  ];
  for (const text of plain) {
    test(`reads ${JSON.stringify(text)} as the yaml package does`, () => {
      expect(parsePlainYamlMapping(text)).toEqual(parse(text) ?? null);
    });
  }

  const other = [
    "a: 1\na: 2\n",
    "a:\n  b: c\n  b: d\n",
    "list:\n  - a: 1\n    a: 2\n",
    "x: &a {p: 1}\ny:\n  <<: *a\n",
    "? [a]\n: 1\n",
    "a: 1\n---\nb: 2\n",
    "a: {b: 1, b: 2}\n",
    "- 1\n",
    "just a string\n",
    "a: [1,\n",
    "a: 'x\n",
    "note: |\n  key: inside\n",
  ];
  for (const text of other) {
    test(`leaves ${JSON.stringify(text)} to the yaml package`, () => {
      expect(parsePlainYamlMapping(text)).toBeUndefined();
    });
  }
});
