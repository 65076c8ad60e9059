// `%%sql name [--materialize[=table]] [--overwrite-input]` cells: the model they define,
// its options, its query as written, where it is, and clear refusals of bad headers.
import { describe, expect, it } from "vitest";
import type { DefinitionError } from "../model/definition.js";
import { isSqlCell, parseSqlCell } from "./sql-cell.js";

function refusal(source: string): DefinitionError {
  try {
    parseSqlCell("cell[2]", source);
  } catch (err) {
    return err as DefinitionError;
  }
  throw new Error(`no error for ${JSON.stringify(source)}`);
}

describe("isSqlCell", () => {
  it("knows a SQL cell by its first word, after blank lines", () => {
    expect(isSqlCell("%%sql m\nSELECT 1")).toBe(true);
    expect(isSqlCell("\n  \n%%sql m\nSELECT 1")).toBe(true);
    expect(isSqlCell(`model("m", {}, () => [])`)).toBe(false);
    expect(isSqlCell("SELECT 1 -- %%sql")).toBe(false);
  });
});

describe("parseSqlCell", () => {
  it("names the model and keeps its query, without the trailing semicolon or blank lines", () => {
    expect(parseSqlCell("cell[2]", "%%sql euro\n\nSELECT id\nFROM tx\nWHERE usd > 1;  \n\n")).toEqual({
      kind: "sql", name: "euro", sql: "SELECT id\nFROM tx\nWHERE usd > 1", options: {}, at: { cell: "cell[2]", line: 3 },
    });
  });

  it("reads --materialize, --materialize=table and --overwrite-input", () => {
    expect(parseSqlCell("c", "%%sql m --materialize\nSELECT 1").options).toEqual({ materialize: true });
    expect(parseSqlCell("c", "%%sql m --materialize=analytics.m\nSELECT 1").options).toEqual({ materialize: "analytics.m" });
    expect(parseSqlCell("c", "%%sql m   --materialize=t  --overwrite-input  \nSELECT 1").options).toEqual({ materialize: "t", overwriteInput: true });
  });

  it("points at the header of a cell it refuses, saying what is wrong", () => {
    const noName = refusal("\n%%sql\nSELECT 1");
    expect(noName).toMatchObject({ code: "BAD_SQL_CELL", at: { cell: "cell[2]", line: 2 } });
    expect(noName.message).toBe("cell[2]:2: a SQL cell starts with '%%sql <model name> [--materialize]'");
    expect(refusal("%%sql my-model\nSELECT 1")).toMatchObject({ code: "BAD_NAME", message: `cell[2]:1: model name "my-model" must be an identifier (letters, digits, _)` });
    expect(refusal("%%sql m --materialise\nSELECT 1").message).toBe("cell[2]:1: unknown option --materialise in '%%sql m' (use --materialize, --materialize=table, --overwrite-input)");
    expect(refusal("%%sql m\n\n   \n").message).toBe(`cell[2]:1: SQL model "m" has no query under its %%sql line`);
    expect(refusal("%%sql m;\nSELECT 1").code).toBe("BAD_NAME");
  });
});
