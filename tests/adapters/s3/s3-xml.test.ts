import { describe, expect, test } from "bun:test";
import { parseError, parseListPage } from "../../../adapters/s3/s3-xml.ts";

describe("S3 XML answers", () => {
  test("an error body gives its code and message, unescaped", () => {
    expect(
      parseError(
        "<?xml version='1.0'?><Error><Code>NoSuchKey</Code><Message>no &quot;k&quot; &amp; co</Message></Error>",
      ),
    ).toEqual({ code: "NoSuchKey", message: 'no "k" & co' });
    expect(parseError("")).toEqual({});
  });

  test("a listing page gives its objects in order, keys unescaped, and the next token only when truncated", () => {
    const page = `<ListBucketResult><IsTruncated>true</IsTruncated>
      <Contents><Key>a&amp;b&lt;c&#x41;&#66;</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>3</Size></Contents>
      <Contents><Key>z</Key><LastModified>2020-01-02T00:00:00Z</LastModified><ETag>"e2"</ETag><Size>0</Size></Contents>
      <NextContinuationToken>tok/+=</NextContinuationToken></ListBucketResult>`;
    expect(parseListPage(page)).toEqual({
      objects: [
        { key: "a&b<cAB", size: 3, etag: '"e1"', lastModified: Date.parse("2020-01-01T00:00:00Z") },
        { key: "z", size: 0, etag: '"e2"', lastModified: Date.parse("2020-01-02T00:00:00Z") },
      ],
      nextToken: "tok/+=",
    });
    expect(parseListPage(page.replace("<IsTruncated>true", "<IsTruncated>false")).nextToken).toBeUndefined();
    expect(
      parseListPage("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>").objects,
    ).toEqual([]);
  });
});
