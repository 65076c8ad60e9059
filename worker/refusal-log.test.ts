import { describe, expect, it, vi } from "vitest";
import { createRefusalLog, hostOf } from "./refusal-log.js";

describe("createRefusalLog", () => {
  it("logs a host's refusal once per window, then says how many it left out", () => {
    vi.useFakeTimers();
    try {
      const lines: string[] = [];
      const refuse = createRefusalLog((l) => lines.push(l), 30_000);
      for (let i = 0; i < 50; i++) refuse("10.0.0.7", "its key abc… is not in the allow list");
      refuse("10.0.0.8", "its key abc… is not in the allow list");
      expect(lines).toHaveLength(2);
      vi.advanceTimersByTime(30_000);
      refuse("10.0.0.7", "its key abc… is not in the allow list");
      expect(lines[2]).toBe("refused a connection from 10.0.0.7: its key abc… is not in the allow list (and 49 more like it since the last report)");
    } finally {
      vi.useRealTimers();
    }
  });

  it("names a host without the port a reconnect changes", () => {
    expect(hostOf("tcp://10.0.0.7:51234")).toBe("10.0.0.7");
    expect(hostOf("tcp://[fe80::1]:5555")).toBe("[fe80::1]");
    expect(hostOf("10.0.0.7")).toBe("10.0.0.7");
  });
});
