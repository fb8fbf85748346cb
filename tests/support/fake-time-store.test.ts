import { describe, expect, test } from "bun:test";
import { MemoryObjectStore } from "../../adapters/memory/memory-object-store.ts";
import { FakeClock } from "./fake-clock.ts";
import { FakeTimeStore } from "./fake-time-store.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** A "server" on a clock of its own (its real time), seen through the test's fake clock. */
function setup() {
  const serverClock = new FakeClock({ start: Date.parse("2030-06-01T00:00:00Z") });
  const server = new MemoryObjectStore(serverClock);
  const fake = new FakeClock();
  return { serverClock, server, fake, store: new FakeTimeStore(server, fake) };
}

describe("FakeTimeStore", () => {
  test("our writes age with the fake clock only, in head, get and list", async () => {
    const { serverClock, fake, store } = setup();
    const written = fake.now();
    await store.put("k", bytes("v1"));
    await fake.advance(5000);
    await serverClock.advance(60_000);
    const expected = { modifiedAt: written, serverNow: written + 5000 };
    expect(await store.head("k")).toMatchObject(expected);
    expect(await store.get("k")).toMatchObject(expected);
    for await (const info of store.list("")) expect(info).toMatchObject(expected);
  });

  test("a version written by someone else keeps the age the server reports", async () => {
    const { serverClock, server, fake, store } = setup();
    await server.put("k", bytes("theirs"));
    await serverClock.advance(2000);
    await fake.advance(10_000);
    expect(await store.head("k")).toMatchObject({ modifiedAt: fake.now() - 2000, serverNow: fake.now() });
  });

  test("preconditions and their failures come from the store underneath, untouched", async () => {
    const { server, store } = setup();
    const first = await store.put("k", bytes("a"), { absent: true });
    expect(await store.put("k", bytes("b"), { absent: true })).toEqual({ ok: false, reason: "exists" });
    expect(await store.put("k", bytes("b"), { version: "other" })).toEqual({ ok: false, reason: "changed" });
    expect(await store.delete("gone", { version: "x" })).toEqual({ ok: false, reason: "missing" });
    const second = await store.put("k", bytes("b"), { version: first.ok ? first.version : "" });
    expect(second).toEqual({ ok: true, version: (await server.head("k"))?.version ?? "" });
  });

  test("clients sharing FakeWriteTimes agree on when a version was written", async () => {
    const { server, fake, store } = setup();
    const other = new FakeTimeStore(server, fake, store.writes);
    const written = fake.now();
    await store.put("k", bytes("v"));
    await fake.advance(7000);
    expect((await other.head("k"))?.modifiedAt).toBe(written);
  });
});
