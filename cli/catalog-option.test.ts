import { describe, expect, it } from "vitest";
import { resolveCatalogOption } from "./catalog-option.js";

describe("resolveCatalogOption", () => {
  it("puts --catalog into the environment commands open their Catalog with", () => {
    const env = { LAKELOOP_LAKE: "file:///x" };
    const out = resolveCatalogOption(["--catalog", "http://127.0.0.1:8181", "tables", "--json"], env);
    expect(out.rest).toEqual(["tables", "--json"]);
    expect(out.env).toEqual({ LAKELOOP_LAKE: "file:///x", LAKELOOP_CATALOG: "http://127.0.0.1:8181" });
    expect(env).toEqual({ LAKELOOP_LAKE: "file:///x" }); // the caller's environment is not changed
    expect(resolveCatalogOption(["describe", "t", "--catalog=https://c/api"], {}).env.LAKELOOP_CATALOG).toBe("https://c/api");
  });

  it("leaves LAKELOOP_CATALOG alone without the flag, and refuses the flag without a URL", () => {
    const env = { LAKELOOP_CATALOG: "http://h:1" };
    expect(resolveCatalogOption(["tables"], env).env).toBe(env);
    expect(() => resolveCatalogOption(["tables", "--catalog"], {})).toThrow(/--catalog needs the URL of an Iceberg REST catalog/);
  });
});
