// Is a TypeScript model's output a well-formed table? Checked where the worker receives
// it from the model's thread, before anything downstream (a preview, a fetch, a SQL
// node, a materialization) reads it. apache-arrow builds tables whose columns differ in
// length without complaint — it pads the short ones with rows that have no data behind
// them — and accepts batches that disagree with the table's schema after a concat; both
// only fail later, far from the model, as TypeErrors about `subarray` or `slice`.
//
// The check reads lengths, buffer sizes and buffer kinds only: it never visits a value,
// so it costs the same for ten rows as for ten million.
import { Data, DataType, tableFromIPC, type Field, type Schema } from "apache-arrow";
import type { DataDescription, TableDescription } from "../columnar/share.js";

type TypedArray = ArrayBufferView & { length: number; BYTES_PER_ELEMENT: number; [index: number]: number | bigint };

/** What is wrong with a model's output, in words; undefined when it is well-formed. */
/** `description` holds ordinary views (resolve KnownViews first: columnar/share.ts). */
export function findBadOutput(description: TableDescription): string | undefined {
  let schema: Schema;
  try {
    schema = tableFromIPC(description.schema).schema;
  } catch (err) {
    return `its schema cannot be read (${(err as Error).message})`;
  }
  const fields = schema.fields;
  const rows = description.batches.reduce((n, b) => n + b.length, 0);
  if (fields.length === 0 && rows > 0) return `it has ${rows} rows but no columns; return row objects ({ column: value }) or an Arrow table with columns`;
  const backed = fields.map(() => 0);
  for (const [b, batch] of description.batches.entries()) {
    if (batch.columns.length !== fields.length) {
      return `record batch ${b + 1} has ${batch.columns.length} columns but the table's schema has ${fields.length} (${fields.map((f) => f.name).join(", ")}): its batches do not share one schema`;
    }
    for (const [c, column] of batch.columns.entries()) {
      const field = fields[c]!;
      const malformed = findMalformed(column, field.type);
      if (malformed) return `column "${field.name}" in record batch ${b + 1} ${malformed}`;
      backed[c]! += Math.min(batch.length, backedRows(column, field.type));
    }
  }
  if (backed.some((n) => n !== rows)) {
    return `its columns differ in length (${fields.map((f: Field, c) => `${f.name}: ${backed[c]!.toLocaleString("en-US")}`).join(", ")}); ` +
      "every column needs one value per row";
  }
  return undefined;
}

const strideOf = (type: DataType): number => new Data(type, 0, 0, 0).stride;
const kindOf = (buffer: ArrayBufferView | undefined): string | undefined => buffer?.constructor.name;
const isVariableWidth = (type: DataType): boolean => DataType.isUtf8(type) || DataType.isBinary(type) || DataType.isLargeUtf8(type) || DataType.isLargeBinary(type);
const isFixedWidth = (type: DataType): boolean => DataType.isInt(type) || DataType.isFloat(type) || DataType.isDate(type) || DataType.isTimestamp(type) ||
  DataType.isTime(type) || DataType.isDecimal(type) || DataType.isInterval(type) || DataType.isDuration(type) || DataType.isFixedSizeBinary(type) || DataType.isDictionary(type);

/**
 * Buffers of another kind than the column's type uses (values of one type under
 * another's name, as a concat of unlike tables leaves), or nested data shorter than its
 * parent. Lower bounds only: a sliced column's buffers may start anywhere.
 */
function findMalformed(d: DataDescription, type: DataType): string | undefined {
  const [offsets, values] = d.buffers as (ArrayBufferView | undefined)[];
  // A dictionary column's own buffer holds its indices.
  const expected = ((DataType.isDictionary(type) ? type.indices : type) as { ArrayType?: { name: string } }).ArrayType?.name;
  if ((isFixedWidth(type) || DataType.isBool(type)) && values && expected && kindOf(values) !== expected) {
    return `holds ${kindOf(values)} values where ${String(type)} keeps ${expected}: its batches do not share one schema`;
  }
  const offsetKind = (type as { OffsetArrayType?: { name: string } }).OffsetArrayType?.name;
  if (offsets && offsetKind && kindOf(offsets) !== offsetKind) return `holds ${kindOf(offsets)} offsets where ${String(type)} keeps ${offsetKind}`;
  if (DataType.isDictionary(type)) {
    for (const dictionary of d.dictionary ?? []) {
      const inner = findMalformed(dictionary, type.dictionary);
      if (inner ?? backedRows(dictionary, type.dictionary) < dictionary.length) return `has a dictionary that ${inner ?? "has rows with no data behind them"}`;
    }
  }
  if (DataType.isStruct(type)) {
    if (d.children.length !== type.children.length) return `has ${d.children.length} fields where its type has ${type.children.length}`;
    for (const [i, child] of d.children.entries()) {
      const inner = findMalformed(child, type.children[i]!.type);
      if (inner) return `has a field "${type.children[i]!.name}" that ${inner}`;
      if (backedRows(child, type.children[i]!.type) < d.length) return `has a field "${type.children[i]!.name}" shorter than the column`;
    }
  }
  return undefined;
}

/** How many of a column's rows its buffers hold data for (its length, when well-formed). */
function backedRows(d: DataDescription, type: DataType): number {
  const [offsets, values, validity] = d.buffers as (TypedArray | undefined)[];
  let rows = d.length;
  if (DataType.isNull(type)) return rows; // all null, no buffers at all
  // Rows marked null need a validity bit each.
  if (d.nullCount > 0) rows = Math.min(rows, (validity?.byteLength ?? 0) * 8);
  if (rows === 0) return rows;
  if (DataType.isBool(type)) return Math.min(rows, (values?.byteLength ?? 0) * 8);
  if (isFixedWidth(type)) return Math.min(rows, Math.floor((values?.length ?? 0) / strideOf(type)));
  if (isVariableWidth(type)) {
    const described = Math.max(0, (offsets?.length ?? 0) - 1);
    if (described < rows) return described;
    // The last row's end offset must lie within the values (none at all when every row is empty).
    const end = Number(offsets![rows]!);
    return end <= (values?.length ?? 0) ? rows : 0;
  }
  if (DataType.isList(type) || DataType.isMap(type)) return Math.min(rows, Math.max(0, (offsets?.length ?? 0) - 1));
  return rows;
}
