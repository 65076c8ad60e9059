import { DateDay, Dictionary, Float64, Int32, Int64, makeVector, Table, TimestampMicrosecond, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { tableBundle } from "./render.js";
import { formatColumns } from "./table-cells.js";

const sample = () => new Table({
  id: vectorFromArray([1n, 2n, 11281096n, 4n], new Int64()),
  usd: vectorFromArray([569, 2.7, 374.89, 11281096.61], new Float64()),
  country: vectorFromArray(["DE", "FR", null, "IT"], new Dictionary(new Utf8(), new Int32())),
  // 2023-01-01T00:00:12.148082 and the next ones, in microseconds as Parquet holds them.
  eventTime: makeVector({ type: new TimestampMicrosecond(), data: new BigInt64Array([1672531212148082n, 1672531213000000n, 1672531214500000n, 1672531215000001n]) }),
  settled_on: makeVector({ type: new DateDay(), data: new Int32Array([19360, 19361, 19362, 19363]) }),
});

describe("a table in a notebook", () => {
  it("names types in the lake's words and formats values per column", () => {
    const columns = formatColumns(sample(), 20);
    expect(columns.map((c) => [c.name, c.type, c.align])).toEqual([
      ["id", "long", "right"], ["usd", "double", "right"], ["country", "string", "left"], ["eventTime", "timestamp", "left"], ["settled_on", "date", "left"],
    ]);
    expect(columns[0]!.cells).toEqual(["1", "2", "11,281,096", "4"]);
    // One number of decimals for the whole column, so the points line up.
    expect(columns[1]!.cells).toEqual(["569.00", "2.70", "374.89", "11,281,096.61"]);
    expect(columns[2]!.cells).toEqual(["DE", "FR", null, "IT"]);
    // A timestamp without a zone is a local date-time: no "Z" (an instant has one, below).
    expect(columns[3]!.cells).toEqual(["2023-01-01T00:00:12.148082", "2023-01-01T00:00:13.000000", "2023-01-01T00:00:14.500000", "2023-01-01T00:00:15.000001"]);
    expect(columns[4]!.cells).toEqual(["2023-01-03", "2023-01-04", "2023-01-05", "2023-01-06"]);
    const instants = new Table({ at: makeVector({ type: new TimestampMicrosecond("UTC"), data: new BigInt64Array([1672531212148082n]) }) });
    expect(formatColumns(instants, 20)[0]).toMatchObject({ type: "timestamptz", cells: ["2023-01-01T00:00:12.148082Z"] });
  });

  it("shows numbers right and text left, NULLs, the shape and what part is shown", () => {
    const { "text/html": html, "text/plain": plain } = tableBundle(sample(), "spend", 60_000, 3) as Record<string, string>;
    expect(html).toContain("<b>spend</b> <small>60,000 rows × 5 columns</small>");
    expect(html).toMatch(/<th style="text-align:right[^"]*">usd<br><small[^>]*>double<\/small><\/th>/);
    expect(html).toMatch(/<td style="text-align:left">DE<\/td>/);
    expect(html).toMatch(/<td style="text-align:right[^"]*">374\.89<\/td>/);
    expect(html).toContain(`<span style="color:#999">NULL</span>`);
    expect(html).toContain("<small>first 3 of 60,000 rows</small>");
    expect(html).not.toMatch(/Dictionary|Timestamp<|Float64|Int64/);
    expect(plain.split("\n")).toEqual([
      "spend (60,000 rows × 5 columns)",
      "        id     usd  country  eventTime                   settled_on",
      "      long  double  string   timestamp                   date",
      "──────────  ──────  ───────  ──────────────────────────  ──────────",
      "         1  569.00  DE       2023-01-01T00:00:12.148082  2023-01-03",
      "         2    2.70  FR       2023-01-01T00:00:13.000000  2023-01-04",
      "11,281,096  374.89  NULL     2023-01-01T00:00:14.500000  2023-01-05",
      "first 3 of 60,000 rows",
    ]);
  });

  it("says 1 row, and no note when every row is shown", () => {
    const one = new Table({ n: vectorFromArray([42n], new Int64()) });
    const bundle = tableBundle(one, "count") as Record<string, string>;
    expect(bundle["text/plain"]!.split("\n")[0]).toBe("count (1 row × 1 column)");
    expect(bundle["text/html"]).not.toContain("first ");
  });
});
