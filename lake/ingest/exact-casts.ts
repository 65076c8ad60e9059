// Appending rows whose column types differ from the table's casts them to the table's
// types; a cast that changes a value (a decimal with more places, a long beyond a
// double's 2^53, a fraction into an integer) would change data silently, so the first
// such value is found and the import refused.
import * as path from "node:path";
import { quoteIdent, quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import { primitiveTypeOf, type Field } from "../schema.js";
import { duckTypeOf } from "./duckdb-types.js";
import { ImportError } from "./errors.js";

export async function checkCastsAreExact(duck: Duck, sourceSql: string, columns: { name: string; type: string }[], fields: Field[], file: string, table: string): Promise<void> {
  for (const field of fields) {
    const column = columns.find((c) => c.name === field.name);
    const target = duckTypeOf(primitiveTypeOf(field, "import"));
    // Text is parsed by the cast (a bad value fails loudly); equal types need no cast.
    if (!column || column.type === target || column.type === "VARCHAR") continue;
    const c = quoteIdent(field.name);
    const [changed] = await duck.rows(`SELECT CAST(${c} AS VARCHAR) AS v FROM (${sourceSql}) WHERE ${c} IS NOT NULL AND ` +
      `TRY_CAST(TRY_CAST(${c} AS ${target}) AS ${column.type}) IS DISTINCT FROM ${c} LIMIT 1`);
    if (changed) {
      throw new ImportError("INEXACT_CAST", `${path.basename(file)} column ${field.name} is ${column.type.toLowerCase()} but table '${table}' holds ${field.type}: ` +
        `value ${quoteLiteral(String(changed.v))} would change, so nothing was imported`);
    }
  }
}
