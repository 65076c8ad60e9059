import { describe, expect, it } from "vitest";
import { DEFAULT_LAKE, resolveLakeLocation } from "./lake-location.js";

describe("resolveLakeLocation", () => {
  it("prefers --lake over LAKELOOP_LAKE over the default", () => {
    expect(resolveLakeLocation(["tables", "--lake", "s3://b/p"], { LAKELOOP_LAKE: "file:///x" })).toEqual({ uri: "s3://b/p", rest: ["tables"] });
    expect(resolveLakeLocation(["--lake=file:///y", "describe", "t"], {})).toEqual({ uri: "file:///y", rest: ["describe", "t"] });
    expect(resolveLakeLocation(["tables"], { LAKELOOP_LAKE: "file:///x" }).uri).toBe("file:///x");
    expect(resolveLakeLocation(["tables"], {}).uri).toBe(DEFAULT_LAKE);
  });
  it("rejects a --lake without a value", () => {
    expect(() => resolveLakeLocation(["--lake"], {})).toThrow(/--lake needs a URI/);
    expect(() => resolveLakeLocation(["--lake", "--json"], {})).toThrow(/--lake needs a URI/);
  });
});
