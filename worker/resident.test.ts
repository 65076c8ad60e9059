import { describe, expect, it } from "vitest";
import { tableFromArrays } from "apache-arrow";
import { ResidentStore, tableBytes } from "./resident.js";

const tableOf = (n: number) => tableFromArrays({ x: new Float64Array(n) });

describe("ResidentStore", () => {
  it("counts a table's bytes from its buffers", () => {
    expect(tableBytes(tableOf(1000))).toBeGreaterThanOrEqual(8000);
  });

  it("evicts the least recently used unpinned output to hold the budget", () => {
    const store = new ResidentStore(20_000);
    store.put("a", "a", tableOf(1000));
    store.put("b", "b", tableOf(1000));
    store.get("a"); // a is now more recent than b
    store.put("c", "c", tableOf(1000));
    expect(store.has("b")).toBe(false);
    expect(store.has("a")).toBe(true);
    expect(store.has("c")).toBe(true);
    expect(store.bytes).toBeLessThanOrEqual(20_000);
  });

  it("never evicts a pinned output, and evicts it once unpinned if still over budget", () => {
    const store = new ResidentStore(10_000);
    store.put("a", "a", tableOf(1000));
    store.pin("a");
    store.put("b", "b", tableOf(1000));
    expect(store.has("a")).toBe(true);
    expect(store.has("b")).toBe(false);
    store.pin("c"); // a plan pins the nodes it needs before they exist
    store.put("c", "c", tableOf(1000));
    expect(store.has("a") && store.has("c")).toBe(true);
    store.unpin("a");
    expect(store.has("a")).toBe(false);
    expect(store.has("c")).toBe(true);
  });
});
