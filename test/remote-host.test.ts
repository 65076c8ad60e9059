// The remote-worker tests' stand-in for another machine: a network namespace, or else
// loopback — never an address of this machine's network interfaces, which would put a
// test's worker on the network the machine is on.
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopbackEndpoint } from "../secrets/loopback.js";
import { openRemoteHost } from "./remote-host.js";

const saved = process.env.LAKELOOP_TEST_REMOTE;
afterEach(() => {
  if (saved === undefined) delete process.env.LAKELOOP_TEST_REMOTE;
  else process.env.LAKELOOP_TEST_REMOTE = saved;
});

describe("openRemoteHost without a network namespace", () => {
  it("falls back to a loopback address, never to one of this machine's network addresses", async () => {
    const external = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal).map((a) => a!.address);
    // "address" asked for the old fallback to this machine's own address.
    for (const wanted of ["address", "loopback"]) {
      process.env.LAKELOOP_TEST_REMOTE = wanted;
      const host = await openRemoteHost();
      try {
        expect(host.kind).toBe("loopback");
        expect(isLoopbackEndpoint(`tcp://${host.address}:5555`), host.address).toBe(true);
        expect(external).not.toContain(host.address);
        expect(host.description).toMatch(/with CURVE forced on/);
      } finally {
        await host.close();
      }
    }
  });
});
