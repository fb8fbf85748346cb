import { expect, test } from "bun:test";
import { GcsObjectStore } from "../../../adapters/gcs/gcs-object-store.ts";
import { badNetworkConformance } from "../../conformance/bad-network-suite.ts";

badNetworkConformance(
  "GcsObjectStore",
  {
    open: (apiEndpoint, requestTimeoutMs) =>
      new GcsObjectStore({ bucket: "bkt", apiEndpoint, projectId: "test", requestTimeoutMs }),
    timeoutVariable: "SWAMP_GCS_REQUEST_TIMEOUT_MS",
    stalledDeleteWhen: { version: "1" },
    resetRead: "head",
    unavailable: {
      answer: () => Response.json({ error: { code: 503, message: "Backend Error" } }, { status: 503 }),
      call: (store) => store.head("k"),
      details: { status: 503, transient: true, operation: "GCS HEAD", key: "k" },
      message: "Backend Error",
    },
    headAnswer: () =>
      Response.json(
        { name: "k", size: "3", generation: "42", updated: "2020-01-01T00:00:00.250Z" },
        { headers: { date: "Wed, 01 Jan 2020 00:00:10 GMT" } },
      ),
    headVersion: "42",
  },
  ({ storeAt, misbehaving }) => {
    test("an abort stops waiting on a stalled request with the caller's reason", async () => {
      const server = await misbehaving("stall");
      const store = storeAt(server.url, 2_000);
      for (const call of [(s: AbortSignal) => store.get("k", s), (s: AbortSignal) => store.head("k", s)]) {
        const controller = new AbortController();
        const pending = call(controller.signal);
        const reason = new Error("command deadline");
        setTimeout(() => controller.abort(reason), 50);
        expect(await pending.catch((e: unknown) => e)).toBe(reason);
      }
    });
  },
);
