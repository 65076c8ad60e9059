import { describe, expect, it } from "vitest";
import { decodeRequest, encodeMessage } from "./wire.js";

describe("wire", () => {
  it("round-trips a request with data frames", () => {
    const frames = encodeMessage({ type: "ping", id: "r1" }, [new Uint8Array([1, 2, 3])]);
    expect(JSON.parse(Buffer.from(frames[0]!).toString())).toEqual({ v: 2, type: "ping", id: "r1" }); // stamped by the wire
    const decoded = decodeRequest(frames);
    expect(decoded.ok && decoded.message).toEqual({ type: "ping", id: "r1" });
    expect(decoded.ok && [...decoded.data[0]!]).toEqual([1, 2, 3]);
  });

  it("rejects malformed JSON, a foreign version, an unknown type and a missing id", () => {
    const bad = (frames: Uint8Array[]) => { const d = decodeRequest(frames); return d.ok ? "ok" : d.error.code; };
    expect(bad([Buffer.from("{nope")])).toBe("PROTOCOL_MALFORMED");
    expect(bad([])).toBe("PROTOCOL_MALFORMED");
    expect(bad([Buffer.from('{"v":9,"type":"ping","id":"x"}')])).toBe("PROTOCOL_VERSION");
    expect(bad([Buffer.from('{"v":2,"type":"explode","id":"x"}')])).toBe("PROTOCOL_UNKNOWN_TYPE");
    expect(bad([Buffer.from('{"v":2,"type":"ping"}')])).toBe("PROTOCOL_MALFORMED");
  });

  it("rejects a request whose fields are missing or of the wrong kind, naming them", () => {
    const bad = (json: string) => { const d = decodeRequest([Buffer.from(json)]); return d.ok ? "ok" : `${d.id} ${d.error.code} ${d.error.message}`; };
    expect(bad('{"v":2,"type":"run","id":"r1"}')).toBe("r1 PROTOCOL_MALFORMED request 'run' has a missing or malformed plan");
    expect(bad('{"v":2,"type":"run","id":"r2","plan":{"nodes":[{"id":1}],"targets":[]}}')).toMatch(/malformed plan/);
    expect(bad('{"v":2,"type":"has","id":"r3","nodes":"abc"}')).toMatch(/malformed nodes/);
    expect(bad('{"v":2,"type":"fetch","id":"r4","node":"n","batchRows":-1}')).toMatch(/malformed batchRows/);
    expect(bad('{"v":2,"type":"cancel","id":"r5"}')).toMatch(/malformed run/);
    expect(bad('{"v":2,"type":"run","id":"r6","plan":{"planId":"p","nodes":[],"targets":[]}}')).toBe("ok");
    // A node must carry the spec of its kind: a scan without its scan, or an unknown kind, is refused.
    expect(bad('{"v":2,"type":"run","id":"r7","plan":{"planId":"p","nodes":[{"id":"a","kind":"scan","inputs":{}}],"targets":[]}}')).toMatch(/malformed plan/);
    expect(bad('{"v":2,"type":"run","id":"r8","plan":{"planId":"p","nodes":[{"id":"a","kind":"python","inputs":{},"python":{}}],"targets":[]}}')).toMatch(/malformed plan/);
    expect(bad('{"v":2,"type":"run","id":"r9","plan":{"planId":"p","nodes":[{"id":"a","kind":"sql","inputs":{},"sql":{"query":"select 1"}}],"targets":["a"]}}')).toBe("ok");
  });

  it("keeps the request id in the error so the client can match the reply", () => {
    const d = decodeRequest([Buffer.from('{"v":9,"type":"ping","id":"abc"}')]);
    expect(!d.ok && d.id).toBe("abc");
  });
});
