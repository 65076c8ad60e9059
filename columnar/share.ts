// Handing Arrow tables to worker threads without copying their data. A table travels
// as its schema (a tiny IPC message) plus, per batch and column, the typed-array views
// of its buffers: views over SharedArrayBuffer memory arrive in the thread as the same
// memory, and ordinary ArrayBuffers can be moved by transfer instead of cloned.
import { Data, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, makeData, Vector, type DataType } from "apache-arrow";
import { allocate } from "./buffers.js";

export interface DataDescription {
  offset: number;
  length: number;
  nullCount: number;
  /** [offsets, values, validity, type ids], as Arrow JS numbers them. */
  buffers: (ArrayBufferView | undefined)[];
  children: DataDescription[];
  dictionary?: DataDescription[];
}

export interface TableDescription {
  schema: Uint8Array;
  batches: { length: number; columns: DataDescription[] }[];
}

function describeData(data: Data): DataDescription {
  const b = data.buffers as unknown as (ArrayBufferView | undefined)[];
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers: [b[0], b[1], b[2], b[3]].map((x) => (x && x.byteLength > 0 ? x : undefined)),
    children: data.children.map((c) => describeData(c as Data)),
    ...(data.dictionary ? { dictionary: data.dictionary.data.map((d) => describeData(d as Data)) } : {}),
  };
}

export function describeTable(table: Table): TableDescription {
  return {
    schema: tableToIPC(new Table(table.schema), "stream"),
    batches: table.batches.map((batch) => ({ length: batch.numRows, columns: batch.data.children.map((c) => describeData(c as Data)) })),
  };
}

function rebuildData(type: DataType, d: DataDescription): Data {
  const children = d.children.map((c, i) => rebuildData((type.children[i] as { type: DataType }).type, c));
  const valueType = (type as unknown as { dictionary?: DataType }).dictionary;
  const dictionary = d.dictionary && valueType ? new Vector(d.dictionary.map((x) => rebuildData(valueType, x))) : undefined;
  return new Data(type, d.offset, d.length, d.nullCount, d.buffers as never, children, dictionary as never);
}

export function tableFromDescription(description: TableDescription): Table {
  const schema: Schema = tableFromIPC(description.schema).schema;
  const batches = description.batches.map((b) => new RecordBatch(schema, makeData({
    type: new Struct(schema.fields), length: b.length, nullCount: 0,
    children: b.columns.map((c, i) => rebuildData(schema.fields[i]!.type, c)),
  })));
  return new Table(schema, batches);
}

/** Every distinct ordinary ArrayBuffer a description holds: the transfer list. */
export function transferablesOf(description: TableDescription): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (d: DataDescription) => {
    for (const b of d.buffers) if (b && b.buffer instanceof ArrayBuffer) out.add(b.buffer);
    d.children.forEach(visit);
    d.dictionary?.forEach(visit);
  };
  description.batches.forEach((b) => b.columns.forEach(visit));
  return [...out];
}

function isShared(data: Data): boolean {
  const b = data.buffers as unknown as (ArrayBufferView | undefined)[];
  return b.every((x) => !x || x.byteLength === 0 || x.buffer instanceof SharedArrayBuffer) && data.children.every((c) => isShared(c as Data)) &&
    (!data.dictionary || data.dictionary.data.every((d) => isShared(d as Data)));
}

function shareData(data: Data): Data {
  if (isShared(data)) return data;
  const b = data.buffers as unknown as (ArrayBufferView | undefined)[];
  const copy = (x: ArrayBufferView | undefined) => {
    if (!x || x.byteLength === 0 || x.buffer instanceof SharedArrayBuffer) return x;
    const bytes = allocate(x.byteLength, true);
    bytes.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
    const Ctor = x.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => ArrayBufferView;
    return new Ctor(bytes.buffer, 0, x.byteLength / ((x as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1));
  };
  return new Data(data.type, data.offset, data.length, data.nullCount, [copy(b[0]), copy(b[1]), copy(b[2]), copy(b[3])] as never,
    data.children.map((c) => shareData(c as Data)), data.dictionary as never);
}

/**
 * The table with every buffer in shared memory: the table itself when it already is
 * (scan and SQL outputs are), else one copy — the only copy at the boundary.
 */
export function shareTable(table: Table): Table {
  if (table.batches.every((b) => isShared(b.data))) return table;
  return new Table(table.schema, table.batches.map((b) => new RecordBatch(table.schema, shareData(b.data as Data) as Data<Struct>)));
}
