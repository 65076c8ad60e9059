// How each Arrow column of a table becomes a DuckDB column, decided once per table and
// shared by both ways into DuckDB (the native in-place scan and the appender): the
// DuckDB type, how values move (as they are, scaled, bits to bytes, strings, ENUM codes),
// and for dictionary strings one ENUM for the whole column — the batches' dictionaries
// merged and sorted, so that ENUM order is string order and comparisons mean what they
// say — with a remap per batch from its dictionary's positions to the ENUM's.
import { DataType, Type, type Data, type Field, type Table } from "apache-arrow";
import { UnsupportedTypeError } from "./errors.js";

/** DuckDB's type ids (the C API's DUCKDB_TYPE), the ones lakeloop hands Arrow to. */
export const DuckTypeId = {
  BOOLEAN: 1, TINYINT: 2, SMALLINT: 3, INTEGER: 4, BIGINT: 5, UTINYINT: 6, USMALLINT: 7, UINTEGER: 8, UBIGINT: 9,
  FLOAT: 10, DOUBLE: 11, TIMESTAMP: 12, DATE: 13, TIME: 14, VARCHAR: 17, BLOB: 18, DECIMAL: 19, TIMESTAMP_NS: 22,
  ENUM: 23, TIMESTAMP_TZ: 31,
} as const;

export type ColumnKind = "fixed" | "scaled" | "bool" | "utf8" | "enum" | "dict-utf8" | "decimal";

export interface DuckColumn {
  name: string;
  kind: ColumnKind;
  /** DuckDB type id (for "enum" and "decimal" the type is built from the fields below). */
  duckType: number;
  /** Bytes per value (fixed, scaled). */
  width: number;
  /** scaled: to microseconds. */
  multiply?: number;
  divide?: number;
  /** enum, dict-utf8: bytes per dictionary key. */
  keyWidth?: number;
  /** enum: the merged, sorted dictionary. */
  values?: string[];
  /** enum: per batch, its dictionary's positions -> ENUM codes. */
  remaps?: Int32Array[];
  /** decimal. */
  precision?: number;
  scale?: number;
  /** The DuckDB type as SQL (CREATE TABLE column type). */
  sql: string;
}

/**
 * Dictionaries with more distinct entries than this (summed over the distinct
 * dictionaries of a column) go to DuckDB as plain VARCHAR: merging and sorting them
 * would cost more than the strings themselves (measured in bench/sql-nodes.ts).
 */
export const ENUM_MAX_ENTRIES = 65_536;

const cache = new WeakMap<Table, DuckColumn[]>();

/** The plan of every column of `table` (cached per table: resident tables are immutable). */
export function planDuckColumns(table: Table): DuckColumn[] {
  let plan = cache.get(table);
  if (!plan) {
    plan = table.schema.fields.map((field, i) => planColumn(field, table.batches.map((b) => b.data.children[i] as Data)));
    cache.set(table, plan);
  }
  return plan;
}

function fixed(name: string, duckType: number, width: number, sql: string): DuckColumn {
  return { name, kind: "fixed", duckType, width, sql };
}

function planColumn(field: Field, chunks: Data[]): DuckColumn {
  const type = field.type as DataType;
  const name = field.name;
  if (DataType.isDictionary(type)) return planDictionary(name, type, chunks);
  switch (type.typeId) {
    case Type.Bool: return { name, kind: "bool", duckType: DuckTypeId.BOOLEAN, width: 1, sql: "BOOLEAN" };
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: 8 | 16 | 32 | 64; isSigned: boolean };
      const signed = { 8: ["TINYINT", DuckTypeId.TINYINT], 16: ["SMALLINT", DuckTypeId.SMALLINT], 32: ["INTEGER", DuckTypeId.INTEGER], 64: ["BIGINT", DuckTypeId.BIGINT] } as const;
      const unsigned = { 8: ["UTINYINT", DuckTypeId.UTINYINT], 16: ["USMALLINT", DuckTypeId.USMALLINT], 32: ["UINTEGER", DuckTypeId.UINTEGER], 64: ["UBIGINT", DuckTypeId.UBIGINT] } as const;
      const [sql, id] = (isSigned ? signed : unsigned)[bitWidth];
      return fixed(name, id, bitWidth / 8, sql);
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: number }).precision;
      if (precision === 1) return fixed(name, DuckTypeId.FLOAT, 4, "FLOAT");
      if (precision === 2) return fixed(name, DuckTypeId.DOUBLE, 8, "DOUBLE");
      break;
    }
    case Type.Date:
      if ((type as unknown as { unit: number }).unit === 0) return fixed(name, DuckTypeId.DATE, 4, "DATE");
      break;
    case Type.Time: {
      const { unit, bitWidth } = type as unknown as { unit: number; bitWidth: number };
      if (unit === 2 && bitWidth === 64) return fixed(name, DuckTypeId.TIME, 8, "TIME");
      break;
    }
    case Type.Timestamp: {
      const { unit, timezone } = type as unknown as { unit: number; timezone?: string | null };
      const [duckType, sql] = timezone ? [DuckTypeId.TIMESTAMP_TZ, "TIMESTAMPTZ"] : [DuckTypeId.TIMESTAMP, "TIMESTAMP"];
      // TimeUnit: 0 s, 1 ms, 2 us, 3 ns. Nanoseconds keep their precision when naive.
      if (unit === 2) return fixed(name, duckType, 8, sql);
      if (unit === 3 && !timezone) return fixed(name, DuckTypeId.TIMESTAMP_NS, 8, "TIMESTAMP_NS");
      if (unit === 3) return { name, kind: "scaled", duckType, width: 8, divide: 1000, sql };
      return { name, kind: "scaled", duckType, width: 8, multiply: unit === 0 ? 1_000_000 : 1000, sql };
    }
    case Type.Utf8: return { name, kind: "utf8", duckType: DuckTypeId.VARCHAR, width: 0, sql: "VARCHAR" };
    case Type.Binary: return { name, kind: "utf8", duckType: DuckTypeId.BLOB, width: 0, sql: "BLOB" };
    case Type.Decimal: {
      const { precision, scale, bitWidth } = type as unknown as { precision: number; scale: number; bitWidth: number };
      if (bitWidth === 128 && precision <= 38) return { name, kind: "decimal", duckType: DuckTypeId.DECIMAL, width: 16, precision, scale, sql: `DECIMAL(${precision}, ${scale})` };
      break;
    }
  }
  throw new UnsupportedTypeError(`column "${name}" has Arrow type ${String(type)}, which lakeloop cannot hand to SQL; ` +
    `convert it in the model that makes it (to a number, string, date or microsecond timestamp)`);
}

const utf8 = new TextDecoder();

/** A dictionary's strings, decoded once (cached fragments keep their dictionaries). */
const decodedDictionaries = new WeakMap<Data, string[]>();
function stringsOf(d: Data): string[] {
  let out = decodedDictionaries.get(d);
  if (!out) {
    const offsets = d.valueOffsets;
    const bytes = d.values as Uint8Array;
    out = new Array<string>(d.length);
    for (let i = 0; i < d.length; i++) out[i] = utf8.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
    decodedDictionaries.set(d, out);
  }
  return out;
}

/** An id per dictionary, so that a set of dictionaries names its merged ENUM. */
const dictionaryIds = new WeakMap<Data, number>();
let nextDictionaryId = 0;
const idOf = (d: Data) => {
  let id = dictionaryIds.get(d);
  if (id === undefined) dictionaryIds.set(d, (id = nextDictionaryId++));
  return id;
};

interface MergedEnum {
  values: string[];
  remapOf: Map<Data, Int32Array>;
}

/**
 * The ENUM of a set of dictionaries, by their ids: an edit's new output over the same
 * cached fragments (the same dictionaries) merges nothing again. Bounded: the oldest
 * merge goes first (dictionaries are small; they are what an entry keeps alive).
 */
const mergedEnums = new Map<string, MergedEnum>();
const MERGES_KEPT = 256;

function mergeDictionaries(dictionaries: Data[]): MergedEnum {
  const key = dictionaries.map(idOf).sort((a, b) => a - b).join(",");
  const cached = mergedEnums.get(key);
  if (cached && dictionaries.every((d) => cached.remapOf.has(d))) return cached;
  const decoded = dictionaries.map(stringsOf);
  const values = [...new Set(decoded.flat())].sort(compareUtf8);
  const position = new Map(values.map((v, i) => [v, i]));
  const merged = { values, remapOf: new Map(dictionaries.map((d, i) => [d, Int32Array.from(decoded[i]!, (v) => position.get(v)!)])) };
  if (mergedEnums.size >= MERGES_KEPT) mergedEnums.delete(mergedEnums.keys().next().value!);
  mergedEnums.set(key, merged);
  return merged;
}

function planDictionary(name: string, type: DataType, chunks: Data[]): DuckColumn {
  const { dictionary, indices } = type as unknown as { dictionary: DataType; indices: { bitWidth: number } };
  if (dictionary.typeId !== Type.Utf8) {
    throw new UnsupportedTypeError(`column "${name}" is a dictionary of ${String(dictionary)}; lakeloop hands only dictionaries of strings to SQL`);
  }
  const keyWidth = indices.bitWidth / 8;
  // Distinct dictionaries (batches of one row group or one model output share theirs).
  const dictionaries = [...new Set(chunks.map((d) => d.dictionary!.data[0] as Data))];
  const entries = dictionaries.reduce((n, d) => n + d.length, 0);
  if (entries > ENUM_MAX_ENTRIES) return { name, kind: "dict-utf8", duckType: DuckTypeId.VARCHAR, width: 0, keyWidth, sql: "VARCHAR" };
  const { values, remapOf } = mergeDictionaries(dictionaries);
  const remaps = chunks.map((d) => remapOf.get(d.dictionary!.data[0] as Data)!);
  const sql = `ENUM(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")})`;
  return { name, kind: "enum", duckType: DuckTypeId.ENUM, width: 0, keyWidth, values, remaps, sql };
}

/** DuckDB orders VARCHAR by UTF-8 bytes; JavaScript's default sort uses UTF-16 units. */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
