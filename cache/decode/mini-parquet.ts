// A self-contained little Parquet file holding just some column chunks of one row
// group: "PAR1", the chunks' bytes packed together, and the original footer rewritten
// to list only that row group and those columns, with every page offset moved to the
// chunk's new place and the page indexes and bloom filters (which point elsewhere in
// the original file) left out. DuckDB reads it like any Parquet file.
import { decodeStruct, encodeStruct, getField, removeFields, setField, WireType, type ThriftList, type ThriftStruct } from "./thrift-compact.js";

export interface ChunkBytes {
  /** Leaf column name (flat schemas: the path is the name). */
  column: string;
  /** Where the chunk starts in the original file, and its bytes. */
  offset: number;
  bytes: Uint8Array;
}

const MAGIC = new TextEncoder().encode("PAR1");
const decoder = new TextDecoder();

const list = (s: ThriftStruct, id: number) => getField(s, id)?.value as ThriftList | undefined;
const str = (v: unknown) => decoder.decode(v as Uint8Array);

function pathOf(chunk: ThriftStruct): string {
  const meta = getField(chunk, 3)?.value as ThriftStruct;
  return (list(meta, 3)?.items ?? []).map(str).join(".");
}

export function buildMiniParquet(footer: Uint8Array, rowGroup: number, chunks: ChunkBytes[]): Uint8Array {
  const meta = decodeStruct(footer);
  const schema = list(meta, 2)!;
  const root = schema.items[0] as ThriftStruct;
  const leaves = schema.items.slice(1) as ThriftStruct[];
  if (leaves.some((leaf) => getField(leaf, 5))) throw new Error("mini Parquet files support flat schemas only");
  const wanted = new Map(chunks.map((c) => [c.column, c]));
  const keepLeaf = leaves.map((leaf) => wanted.has(str(getField(leaf, 4)!.value)));
  if (keepLeaf.filter(Boolean).length !== wanted.size) {
    const names = new Set(leaves.map((l) => str(getField(l, 4)!.value)));
    throw new Error(`columns ${[...wanted.keys()].filter((c) => !names.has(c)).join(", ")} are not in the file's schema`);
  }

  const groups = list(meta, 4)!;
  const group = groups.items[rowGroup] as ThriftStruct;
  if (!group) throw new Error(`row group ${rowGroup} is not in the file (it has ${groups.items.length})`);
  const columnChunks = (list(group, 1)!.items as ThriftStruct[]).filter((c) => wanted.has(pathOf(c)));

  const parts: Uint8Array[] = [MAGIC];
  let position = MAGIC.length;
  let first = -1;
  for (const chunk of columnChunks) {
    const source = wanted.get(pathOf(chunk))!;
    const delta = BigInt(position - source.offset);
    const columnMeta = getField(chunk, 3)!.value as ThriftStruct;
    for (const id of [9, 11]) {
      const field = getField(columnMeta, id);
      if (field) field.value = (field.value as bigint) + delta;
    }
    removeFields(columnMeta, [10, 14, 15]); // index page, bloom filter offset and length
    removeFields(chunk, [1, 4, 5, 6, 7]); // file path, offset index, column index
    setField(chunk, 2, WireType.I64, BigInt(position));
    if (first < 0) first = position;
    parts.push(source.bytes);
    position += source.bytes.length;
  }
  (getField(group, 1)!.value as ThriftList).items = columnChunks;
  if (getField(group, 5)) setField(group, 5, WireType.I64, BigInt(first < 0 ? 4 : first));
  if (getField(group, 6)) setField(group, 6, WireType.I64, BigInt(position - MAGIC.length));
  removeFields(group, [7]); // ordinal

  setField(root, 5, WireType.I32, wanted.size);
  schema.items = [root, ...leaves.filter((_, i) => keepLeaf[i])];
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
