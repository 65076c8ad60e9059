// Handing Arrow tables to worker threads without copying their data. A table travels
// as its schema (a tiny IPC message) plus, per batch and column, the typed-array views
// of its buffers: views over SharedArrayBuffer memory arrive in the thread as the same
// memory, and ordinary ArrayBuffers can be moved by transfer instead of cloned.
import { Data, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, makeData, Vector, type DataType } from "apache-arrow";
import { allocate } from "./buffers.js";

/**
 * A view of memory the receiver already holds (one of the inputs it lent): sent by
 * position instead of as a view, because a SharedArrayBuffer that crosses threads
 * arrives as a new object. The receiver rebuilds the view over its own object, so
 * memory shared by several tables stays one object — one identity — on its side.
 */
export interface KnownView {
  known: number;
  byteOffset: number;
  length: number;
  type: string;
}

export interface DataDescription {
  offset: number;
  length: number;
  nullCount: number;
  /** [offsets, values, validity, type ids], as Arrow JS numbers them. */
  buffers: (ArrayBufferView | KnownView | undefined)[];
  children: DataDescription[];
  dictionary?: DataDescription[];
}

export interface TableDescription {
  schema: Uint8Array;
  batches: { length: number; columns: DataDescription[] }[];
}

function describeData(data: Data, known?: Map<ArrayBufferLike, number>): DataDescription {
  const b = data.buffers as unknown as (ArrayBufferView | undefined)[];
  const describe = (x: ArrayBufferView | undefined): ArrayBufferView | KnownView | undefined => {
    if (!x || x.byteLength === 0) return undefined;
    const index = known?.get(x.buffer);
    if (index === undefined) return x;
    const length = (x as unknown as { length: number }).length;
    return { known: index, byteOffset: x.byteOffset, length, type: x.constructor.name };
  };
  return {
    offset: data.offset,
    length: data.length,
    nullCount: data.nullCount,
    buffers: [b[0], b[1], b[2], b[3]].map(describe),
    children: data.children.map((c) => describeData(c as Data, known)),
    ...(data.dictionary ? { dictionary: data.dictionary.data.map((d) => describeData(d as Data, known)) } : {}),
  };
}

/** `known`: memory the receiver holds, by position (see KnownView). */
export function describeTable(table: Table, known?: SharedArrayBuffer[]): TableDescription {
  const positions = known ? new Map<ArrayBufferLike, number>(known.map((b, i) => [b, i])) : undefined;
  return {
    schema: tableToIPC(new Table(table.schema), "stream"),
    batches: table.batches.map((batch) => ({ length: batch.numRows, columns: batch.data.children.map((c) => describeData(c as Data, positions)) })),
  };
}

/** The distinct shared memory blocks of descriptions, in a fixed order (the same on both sides of a thread). */
export function sharedBuffersOf(descriptions: TableDescription[]): SharedArrayBuffer[] {
  const out = new Set<SharedArrayBuffer>();
  const visit = (d: DataDescription) => {
    for (const b of d.buffers) if (b && ArrayBuffer.isView(b) && b.buffer instanceof SharedArrayBuffer) out.add(b.buffer);
    d.children.forEach(visit);
    d.dictionary?.forEach(visit);
  };
  for (const t of descriptions) t.batches.forEach((b) => b.columns.forEach(visit));
  return [...out];
}

const VIEWS: Record<string, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/**
 * The description with every view it sent by position (KnownView) rebuilt over the
 * receiver's own memory block `known[i]`: what follows sees ordinary views.
 */
export function resolveKnownViews(description: TableDescription, known: SharedArrayBuffer[]): TableDescription {
  const resolve = (d: DataDescription): DataDescription => ({
    ...d,
    buffers: d.buffers.map((b) => (!b || ArrayBuffer.isView(b) ? b : new VIEWS[b.type]!(known[b.known]!, b.byteOffset, b.length))),
    children: d.children.map(resolve),
    ...(d.dictionary ? { dictionary: d.dictionary.map(resolve) } : {}),
  });
  return { schema: description.schema, batches: description.batches.map((b) => ({ length: b.length, columns: b.columns.map(resolve) })) };
}

function rebuildData(type: DataType, d: DataDescription): Data {
  const children = d.children.map((c, i) => rebuildData((type.children[i] as { type: DataType }).type, c));
  const valueType = (type as unknown as { dictionary?: DataType }).dictionary;
  const dictionary = d.dictionary && valueType ? new Vector(d.dictionary.map((x) => rebuildData(valueType, x))) : undefined;
  return new Data(type, d.offset, d.length, d.nullCount, d.buffers as never, children, dictionary as never);
}

/** `known`: the memory blocks the description refers to by position, if it does. */
export function tableFromDescription(description: TableDescription, known?: SharedArrayBuffer[]): Table {
  const resolved = known ? resolveKnownViews(description, known) : description;
  const schema: Schema = tableFromIPC(resolved.schema).schema;
  const batches = resolved.batches.map((b) => new RecordBatch(schema, makeData({
    type: new Struct(schema.fields), length: b.length, nullCount: 0,
    children: b.columns.map((c, i) => rebuildData(schema.fields[i]!.type, c)),
  })));
  return new Table(schema, batches);
}

/** Every distinct ordinary ArrayBuffer a description holds: the transfer list. */
export function transferablesOf(description: TableDescription): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (d: DataDescription) => {
    for (const b of d.buffers) if (b && ArrayBuffer.isView(b) && b.buffer instanceof ArrayBuffer) out.add(b.buffer);
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
