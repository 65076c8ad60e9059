// A model's array of row objects as an Arrow table, in the model's thread. Rows that are
// not objects, and values no Arrow type holds (functions, symbols), are refused as a bad
// output naming the row or the column, rather than surfacing as apache-arrow's "Unable
// to infer Vector type" or as a table with rows and no columns.
import { tableFromJSON, vectorFromArray, type Table } from "apache-arrow";

const badOutput = (message: string) => Object.assign(new TypeError(message), { code: "MODEL_BAD_OUTPUT" });

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function tableFromRows(rows: unknown[]): Table {
  const notObject = rows.findIndex((row) => row === null || typeof row !== "object" || Array.isArray(row) || row instanceof Date);
  if (notObject >= 0) throw badOutput(`row ${notObject + 1} is ${kindOf(rows[notObject])}, not an object of column values ({ column: value })`);
  const objects = rows as Record<string, unknown>[];
  try {
    return tableFromJSON(objects);
  } catch (err) {
    // Only on failure: find the column apache-arrow could not type, and the row.
    for (const name of new Set(objects.flatMap((row) => Object.keys(row)))) {
      const values = objects.map((row) => row[name]);
      try {
        vectorFromArray(values);
      } catch {
        const at = values.findIndex((v) => typeof v === "function" || typeof v === "symbol");
        throw badOutput(`column "${name}" holds ${kindOf(values[at < 0 ? 0 : at])}${at < 0 ? "" : ` (row ${at + 1})`}, which no Arrow column can hold; ` +
          "rows hold numbers, strings, booleans, bigints, Dates or null");
      }
    }
    throw badOutput(`its rows cannot be made into an Arrow table: ${(err as Error).message}`);
  }
}
