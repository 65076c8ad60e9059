// The one mapping from Iceberg types to Arrow types, used wherever a table column
// becomes Arrow (scans, SQL results, model outputs) so every room agrees on the
// physical layout: timestamps are microseconds in BigInt64 buffers (nanoseconds for
// Iceberg v3's timestamp_ns), dates are days, time is microseconds since midnight,
// uuid is its 36-character text (readable in models and SQL alike; see the README),
// fixed[L] is FixedSizeBinary(L), and struct, list and map are Arrow's nested types.
import {
  Binary, Bool, DateDay, Decimal, Field as ArrowField, FixedSizeBinary, Float32, Float64, Int32, Int64, List, Map_,
  Schema as ArrowSchema, Struct, TimeMicrosecond, TimestampMicrosecond, TimestampNanosecond, Utf8, type DataType,
} from "apache-arrow";
import { fixedLengthOf, isPrimitive, type Field, type IcebergType, type Schema } from "../lake/schema.js";
import { decimalTypeOf } from "../lake/value-text.js";

export function arrowTypeOf(type: IcebergType): DataType {
  if (!isPrimitive(type)) {
    switch (type.type) {
      case "struct": return new Struct(type.fields.map(arrowFieldOf));
      case "list": return new List(new ArrowField("element", arrowTypeOf(type.element), !type["element-required"]));
      case "map": {
        const entries = new Struct([new ArrowField("key", arrowTypeOf(type.key), false), new ArrowField("value", arrowTypeOf(type.value), !type["value-required"])]);
        return new Map_(new ArrowField("entries", entries, false));
      }
    }
  }
  switch (type) {
    case "boolean": return new Bool();
    case "int": return new Int32();
    case "long": return new Int64();
    case "float": return new Float32();
    case "double": return new Float64();
    case "date": return new DateDay();
    case "time": return new TimeMicrosecond();
    case "timestamp": return new TimestampMicrosecond();
    case "timestamptz": return new TimestampMicrosecond("UTC");
    case "timestamp_ns": return new TimestampNanosecond();
    case "timestamptz_ns": return new TimestampNanosecond("UTC");
    case "string": return new Utf8();
    case "uuid": return new Utf8();
    case "binary": return new Binary();
    default: {
      const length = fixedLengthOf(type);
      if (length !== undefined) return new FixedSizeBinary(length);
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
