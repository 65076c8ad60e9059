// The one mapping from Iceberg primitive types to Arrow types, used wherever a table
// column becomes Arrow (scans, SQL results, model outputs) so every room agrees on the
// physical layout: timestamps are microseconds in BigInt64 buffers, dates are days.
import {
  Binary, Bool, DateDay, Decimal, Field as ArrowField, Float32, Float64, Int32, Int64,
  Schema as ArrowSchema, TimestampMicrosecond, Utf8, type DataType,
} from "apache-arrow";
import type { Field, PrimitiveType, Schema } from "../lake/schema.js";
import { decimalTypeOf } from "../lake/value-text.js";

export function arrowTypeOf(type: PrimitiveType): DataType {
  switch (type) {
    case "boolean": return new Bool();
    case "int": return new Int32();
    case "long": return new Int64();
    case "float": return new Float32();
    case "double": return new Float64();
    case "date": return new DateDay();
    case "timestamp": return new TimestampMicrosecond();
    case "timestamptz": return new TimestampMicrosecond("UTC");
    case "string": return new Utf8();
    case "binary": return new Binary();
    default: {
      // decimal(P, S): Arrow's 128-bit decimal holds every Iceberg decimal exactly.
      const { precision, scale } = decimalTypeOf(type)!;
      return new Decimal(scale, precision, 128);
    }
  }
}

/** Arrow field for an Iceberg field; the Iceberg field id travels in the metadata. */
export function arrowFieldOf(field: Field): ArrowField {
  return new ArrowField(field.name, arrowTypeOf(field.type), !field.required,
    new Map([["iceberg.field_id", String(field.id)]]));
}

export function arrowSchemaOf(fields: Field[] | Schema): ArrowSchema {
  const list = Array.isArray(fields) ? fields : fields.fields;
  return new ArrowSchema(list.map(arrowFieldOf));
}
