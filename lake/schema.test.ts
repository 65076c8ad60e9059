import { describe, expect, it } from "vitest";
import { fieldByName, type Schema } from "./schema.js";

describe("fieldByName", () => {
  const schema: Schema = { "schema-id": 0, type: "struct", fields: [{ id: 1, name: "id", required: true, type: "long" }] };
  it("finds a field by exact name and misses others", () => {
    expect(fieldByName(schema, "id")?.id).toBe(1);
    expect(fieldByName(schema, "ID")).toBeUndefined();
  });
});
