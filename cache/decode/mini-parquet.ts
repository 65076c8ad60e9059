// A self-contained little Parquet file holding just some column chunks of one row
// group: "PAR1", the chunks' bytes packed together, and the original footer rewritten
// to list only that row group and those columns (a nested column with all its leaves), with every page offset moved to the
// chunk's new place and the page indexes and bloom filters (which point elsewhere in
// the original file) left out. DuckDB reads it like any Parquet file.
import { decodeStruct, encodeStruct, getField, removeFields, setField, WireType, type ThriftList, type ThriftStruct } from "./thrift-compact.js";

export interface ChunkBytes {
  /** Top-level column name (a nested column's bytes span all its leaf chunks). */
  column: string;
  /** Where the bytes start in the original file, and the bytes. */
  offset: number;
  bytes: Uint8Array;
}

const MAGIC = new TextEncoder().encode("PAR1");
const decoder = new TextDecoder();

const list = (s: ThriftStruct, id: number) => getField(s, id)?.value as ThriftList | undefined;
const str = (v: unknown) => decoder.decode(v as Uint8Array);

/** The top-level column a chunk belongs to (the first element of its path). */
function topOf(chunk: ThriftStruct): string {
  const meta = getField(chunk, 3)?.value as ThriftStruct;
  return str(list(meta, 3)?.items[0]);
}

/** The schema's top-level subtrees: name, its elements (depth first) and how many leaves. */
function subtrees(elements: ThriftStruct[]): { name: string; elements: ThriftStruct[]; leaves: number }[] {
  const out: { name: string; elements: ThriftStruct[]; leaves: number }[] = [];
  let at = 0;
  while (at < elements.length) {
    const start = at;
    let pending = 1;
    let leaves = 0;
    while (pending > 0 && at < elements.length) {
      const children = Number(getField(elements[at++]!, 5)?.value ?? 0);
      pending += children - 1;
      if (children === 0) leaves++;
    }
    out.push({ name: str(getField(elements[start]!, 4)!.value), elements: elements.slice(start, at), leaves });
  }
  return out;
}

export function buildMiniParquet(footer: Uint8Array, rowGroup: number, chunks: ChunkBytes[]): Uint8Array {
  const meta = decodeStruct(footer);
  const schema = list(meta, 2)!;
  const root = schema.items[0] as ThriftStruct;
  const tops = subtrees(schema.items.slice(1) as ThriftStruct[]);
  const wanted = new Map(chunks.map((c) => [c.column, c]));
  const keepTop = tops.map((t) => wanted.has(t.name));
  if (keepTop.filter(Boolean).length !== wanted.size) {
    const names = new Set(tops.map((t) => t.name));
    throw new Error(`columns ${[...wanted.keys()].filter((c) => !names.has(c)).join(", ")} are not in the file's schema`);
  }
  const keepLeaf = tops.flatMap((t, i) => new Array<boolean>(t.leaves).fill(keepTop[i]!));

  const groups = list(meta, 4)!;
  const group = groups.items[rowGroup] as ThriftStruct;
  if (!group) throw new Error(`row group ${rowGroup} is not in the file (it has ${groups.items.length})`);
  const columnChunks = (list(group, 1)!.items as ThriftStruct[]).filter((c) => wanted.has(topOf(c)));

  // Each wanted column's bytes once; every leaf chunk in them moves by the same delta.
  const parts: Uint8Array[] = [MAGIC];
  let position = MAGIC.length;
  const placed = new Map<string, number>();
  for (const c of chunks) {
    placed.set(c.column, position);
    parts.push(c.bytes);
    position += c.bytes.length;
  }
  for (const chunk of columnChunks) {
    const source = wanted.get(topOf(chunk))!;
    const delta = BigInt(placed.get(source.column)! - source.offset);
    const columnMeta = getField(chunk, 3)!.value as ThriftStruct;
    for (const id of [9, 11]) {
      const field = getField(columnMeta, id);
      if (field) field.value = (field.value as bigint) + delta;
    }
    removeFields(columnMeta, [10, 14, 15]); // index page, bloom filter offset and length
    removeFields(chunk, [1, 4, 5, 6, 7]); // file path, offset index, column index
    const data = getField(columnMeta, 9)!.value as bigint;
    const dictionary = getField(columnMeta, 11)?.value as bigint | undefined;
    setField(chunk, 2, WireType.I64, dictionary !== undefined && dictionary > 0n && dictionary < data ? dictionary : data);
  }
  (getField(group, 1)!.value as ThriftList).items = columnChunks;
  if (getField(group, 5)) setField(group, 5, WireType.I64, BigInt(MAGIC.length));
  if (getField(group, 6)) setField(group, 6, WireType.I64, BigInt(position - MAGIC.length));
  removeFields(group, [7]); // ordinal

  setField(root, 5, WireType.I32, wanted.size);
  schema.items = [root, ...tops.filter((_, i) => keepTop[i]).flatMap((t) => t.elements)];
  groups.items = [group];
  setField(meta, 3, WireType.I64, getField(group, 3)!.value);
  const orders = list(meta, 7);
  if (orders) orders.items = orders.items.filter((_, i) => keepLeaf[i]);
  removeFields(meta, [8, 9]); // encryption

  const footerBytes = encodeStruct(meta);
  const tail = new Uint8Array(8);
  new DataView(tail.buffer).setUint32(0, footerBytes.length, true);
  tail.set(MAGIC, 4);
  parts.push(footerBytes, tail);
  const out = new Uint8Array(position + footerBytes.length + 8);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
