import { describe, expect, it } from "vitest";
import { isLoopbackEndpoint } from "./loopback.js";

describe("isLoopbackEndpoint", () => {
  it("allows plaintext only where traffic cannot leave the machine", () => {
    for (const e of ["tcp://127.0.0.1:5555", "tcp://127.1.2.3:0", "tcp://localhost:5555", "tcp://[::1]:5555", "ipc:///tmp/w.sock"]) expect(isLoopbackEndpoint(e), e).toBe(true);
    for (const e of ["tcp://0.0.0.0:5555", "tcp://*:5555", "tcp://10.0.0.5:5555", "tcp://eth0:5555", "tcp://[::]:5555", "tcp://worker.internal:5555", "tcp://127.0.0.1.evil.com:5555"]) {
      expect(isLoopbackEndpoint(e), e).toBe(false);
    }
  });
});
