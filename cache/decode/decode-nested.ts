// Nested columns (struct, list, map) of a mini Parquet file into Arrow nested data,
// through DuckDB's reader: DuckDB decodes the file (every codec, both list layouts), and
// each level is read as flat columns lakeloop already turns into Arrow — a struct's
// validity and its fields, a list's lengths and (unnested, in order) its elements, a
// map's sizes and its entries' keys and values — then put together as Arrow Struct, List
// and Map data of the table's types. Inner fields are found by field id (a renamed inner
// field still reads), else by name; an inner field the file lacks is null.
import { makeData, type Data } from "apache-arrow";
import { arrowFromDuckDB } from "../../columnar/arrow-from-duckdb.js";
import { arrowTypeOf } from "../../columnar/arrow-type.js";
import { allocate } from "../../columnar/buffers.js";
import { quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import { fixedLengthOf, isPrimitive, type IcebergType, type ListType, type MapType, type StructType } from "../../lake/schema.js";
import type { FileNode } from "../../lake/scan/file-columns.js";
import { conformData, nullData } from "../conform-column.js";

/** How DuckDB must hand over a primitive column so that lakeloop's reader takes it. */
export function selectAs(expr: string, type: IcebergType): string {
  if (type === "uuid") return `CAST(${expr} AS VARCHAR)`;
  if (fixedLengthOf(type) !== undefined) return `CAST(${expr} AS BLOB)`;
  return expr;
}

interface Level {
  duck: Duck;
  /** A FROM clause whose rows are this level's values, in order. */
  relation: string;
  depth: number;
  column: string;
}

async function selectOne(level: Level, expr: string): Promise<Data | undefined> {
  const table = await arrowFromDuckDB(level.duck, `SELECT ${expr} AS v FROM ${level.relation}`, { shared: true });
  if (table.numRows === 0) return undefined;
  if (table.batches.length !== 1) throw new Error(`column ${level.column}: expected one batch of values`);
  return table.batches[0]!.data.children[0]!;
}

/** Validity bits and null count from a boolean column of "is not null". */
function validityOf(present: Data | undefined, length: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (!present || length === 0) return { nullCount: 0 };
  const bits = present.values as Uint8Array;
  let valid = 0;
  for (let i = 0; i < length; i++) valid += (bits[i >> 3]! >> (i & 7)) & 1;
  return valid === length ? { nullCount: 0 } : { nullBitmap: bits, nullCount: length - valid };
}

/** Offsets (and validity) of a list or map from each row's length (NULL for a null row). */
function offsetsOf(lengths: Data | undefined, length: number): { valueOffsets: Int32Array; total: number; nullBitmap?: Uint8Array; nullCount: number } {
  const valueOffsets = new Int32Array(allocate((length + 1) * 4, true).buffer, 0, length + 1);
  if (!lengths) return { valueOffsets, total: 0, nullCount: 0 };
  const values = lengths.values as BigInt64Array | Int32Array;
  let total = 0;
  for (let i = 0; i < length; i++) {
    const valid = lengths.nullCount === 0 || ((lengths.nullBitmap![i >> 3]! >> (i & 7)) & 1) === 1;
    if (valid) total += Number(values[i]!);
    valueOffsets[i + 1] = total;
  }
  return { valueOffsets, total, ...(lengths.nullCount > 0 ? { nullBitmap: lengths.nullBitmap!, nullCount: lengths.nullCount } : { nullCount: 0 }) };
}

function childNode(node: FileNode | undefined, id: number, name: string): FileNode | undefined {
  return node?.children.find((c) => c.fieldId === id) ?? node?.children.find((c) => c.fieldId === undefined && c.name === name);
}

/** A list's element in Parquet's 3-level layout (list > repeated group > element) or the legacy 2-level one. */
function elementNode(node: FileNode | undefined): FileNode | undefined {
  const repeated = node?.children[0];
  if (!repeated) return undefined;
  if (repeated.children.length === 1 && repeated.name !== "array" && repeated.name !== `${node!.name}_tuple`) return repeated.children[0];
  return repeated;
}

async function readLevel(level: Level, expr: string, type: IcebergType, node: FileNode | undefined, length: number): Promise<Data> {
  if (isPrimitive(type)) {
    const data = await selectOne(level, selectAs(expr, type));
    if (!data) return nullData(arrowTypeOf(type), 0);
    if (data.length !== length) throw new Error(`column ${level.column}: ${data.length} values where ${length} were expected`);
    return conformData(data, type, level.column);
  }
  const arrow = arrowTypeOf(type);
  switch (type.type) {
    case "struct": return readStruct(level, expr, type, node, length, arrow);
    case "list": return readList(level, expr, type, node, length, arrow);
    case "map": return readMap(level, expr, type, node, length, arrow);
  }
}

async function readStruct(level: Level, expr: string, type: StructType, node: FileNode | undefined, length: number, arrow: import("apache-arrow").DataType): Promise<Data> {
  const { nullBitmap, nullCount } = validityOf(await selectOne(level, `(${expr}) IS NOT NULL`), length);
  const children: Data[] = [];
  for (const field of type.fields) {
    const child = childNode(node, field.id, field.name);
    children.push(child
      ? await readLevel(level, `struct_extract(${expr}, ${quoteLiteral(child.name)})`, field.type, child, length)
      : nullData(arrowTypeOf(field.type), length));
  }
  return makeData({ type: arrow as never, length, nullCount, nullBitmap, children } as never) as Data;
}

function unnested(level: Level, expr: string): Level {
  const name = `__e${level.depth}`;
  return { ...level, relation: `(SELECT unnest(${expr}) AS ${name} FROM ${level.relation})`, depth: level.depth + 1 };
}

async function readList(level: Level, expr: string, type: ListType, node: FileNode | undefined, length: number, arrow: import("apache-arrow").DataType): Promise<Data> {
  const { valueOffsets, total, nullBitmap, nullCount } = offsetsOf(await selectOne(level, `len(${expr})`), length);
  const inner = unnested(level, expr);
  const element = elementNode(node);
  const child = await readLevel(inner, `__e${level.depth}`, type.element, element?.fieldId === undefined || element.fieldId === type["element-id"] ? element : undefined, total);
  return makeData({ type: arrow as never, length, nullCount, nullBitmap, valueOffsets, child } as never) as Data;
}

async function readMap(level: Level, expr: string, type: MapType, node: FileNode | undefined, length: number, arrow: import("apache-arrow").DataType): Promise<Data> {
  const { valueOffsets, total, nullBitmap, nullCount } = offsetsOf(await selectOne(level, `cardinality(${expr})`), length);
  const inner = unnested(level, `map_entries(${expr})`);
  const entry = `__e${level.depth}`;
  const keyValue = node?.children[0];
  const key = await readLevel(inner, `struct_extract(${entry}, 'key')`, type.key, keyValue?.children[0], total);
  const value = await readLevel(inner, `struct_extract(${entry}, 'value')`, type.value, keyValue?.children[1], total);
  const entries = (arrow as unknown as { children: { type: import("apache-arrow").DataType }[] }).children[0]!.type;
  const child = makeData({ type: entries as never, length: total, nullCount: 0, children: [key, value] } as never) as Data;
  return makeData({ type: arrow as never, length, nullCount, nullBitmap, valueOffsets, child } as never) as Data;
}

/** One nested top-level column of the file behind `relation` as Arrow data of the table's type. */
export async function decodeNestedColumn(duck: Duck, relation: string, column: string, type: IcebergType, node: FileNode | undefined, rows: number): Promise<Data> {
  return readLevel({ duck, relation, depth: 0, column }, `"${column.replace(/"/g, '""')}"`, type, node, rows);
}

