// How a writer learns each data file's partition tuple from DuckDB, exactly: DuckDB
// names its partition folders after the values (`__p0=...`), so each partition value
// is first turned into a text lakeloop controls: "n" for NULL, else "v" and a
// lossless spelling (integers and day counts as digits, timestamps as epoch
// microseconds, decimals at their scale, strings and bytes in hex). Parsing DuckDB's
// own spellings lost NULLs ("NaN-NaN" folders), identity dates and special characters.
import type { PrimitiveType, Scalar, Schema } from "../schema.js";
import { decimalTypeOf, parseDecimal } from "../value-text.js";
import { IcebergError } from "./errors.js";
import { sourceField, sqlForTransform, transformResultType } from "./partition.js";
import type { PartitionField } from "./types.js";

/** DuckDB SQL giving the partition key text of each row, from its source column. */
export function sqlForPartitionKey(field: PartitionField, schema: Schema): string {
  const value = sqlForTransform(field, schema);
  const source = sourceField(field, schema).type;
  let text: string;
  if (field.transform !== "identity") text = `CAST(${value} AS VARCHAR)`; // integers: ordinals or days
  else if (source === "date") text = `CAST(${value} - DATE '1970-01-01' AS VARCHAR)`;
  else if (source === "timestamp" || source === "timestamptz") text = `CAST(epoch_us(${value}) AS VARCHAR)`;
  else if (source === "string" || source === "binary") text = `hex(${value})`;
  else text = `CAST(${value} AS VARCHAR)`;
  return `CASE WHEN ${value} IS NULL THEN 'n' ELSE 'v' || ${text} END`;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function parseNumber(text: string): number {
  const special: Record<string, number> = { nan: NaN, inf: Infinity, "-inf": -Infinity, infinity: Infinity, "-infinity": -Infinity };
  return text.toLowerCase() in special ? special[text.toLowerCase()]! : Number(text);
}

/** The partition value (Scalar) of a key text written by sqlForPartitionKey. */
export function parsePartitionKey(key: string, field: PartitionField, schema: Schema): Scalar {
  if (key === "n") return null;
  if (!key.startsWith("v")) throw new IcebergError("BAD_PARTITION", `unexpected partition key '${key}' for ${field.name}`);
  const text = key.slice(1);
  const type: PrimitiveType = transformResultType(field.transform, sourceField(field, schema).type);
  switch (type) {
    case "int": case "date": return Number(text);
    case "long": case "timestamp": case "timestamptz": return BigInt(text);
    case "float": return Math.fround(parseNumber(text));
    case "double": return parseNumber(text);
    case "boolean": return text === "true";
    case "string": return new TextDecoder().decode(fromHex(text));
    case "binary": return fromHex(text);
    default: {
      const unscaled = parseDecimal(text, decimalTypeOf(type)!.scale);
      if (unscaled === undefined) throw new IcebergError("BAD_PARTITION", `unexpected decimal partition key '${text}' for ${field.name}`);
      return unscaled;
    }
  }
}
