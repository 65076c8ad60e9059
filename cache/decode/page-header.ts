// Parquet page headers (Thrift compact): what kind of page follows, its sizes, and how
// its values and levels are encoded.
import { decodeStructAt, getField, type ThriftStruct } from "./thrift-compact.js";

export const PageType = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;

/** Parquet's Encoding enum, the values the page decoder meets. */
export const Encoding = { PLAIN: 0, PLAIN_DICTIONARY: 2, RLE: 3, BIT_PACKED: 4, RLE_DICTIONARY: 8 } as const;

export interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** Where the page's body starts (just after the header). */
  bodyStart: number;
  /** Values in the page (nulls included, for data pages). */
  numValues: number;
  encoding: number;
  /** Data page v2: level bytes before the (maybe compressed) values, and whether those are compressed. */
  v2?: { numNulls: number; definitionBytes: number; repetitionBytes: number; compressed: boolean };
}

const num = (s: ThriftStruct | undefined, id: number, fallback = 0): number => {
  const v = s && getField(s, id)?.value;
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : typeof v === "boolean" ? Number(v) : fallback;
};

export function readPageHeader(bytes: Uint8Array, offset: number): PageHeader {
  const { struct, end } = decodeStructAt(bytes, offset);
  const type = num(struct, 1);
  const header: PageHeader = {
    type, uncompressedSize: num(struct, 2), compressedSize: num(struct, 3), bodyStart: end, numValues: 0, encoding: Encoding.PLAIN,
  };
  const sub = (id: number) => getField(struct, id)?.value as ThriftStruct | undefined;
  if (type === PageType.DATA_PAGE) {
    const data = sub(5);
    header.numValues = num(data, 1);
    header.encoding = num(data, 2);
  } else if (type === PageType.DICTIONARY_PAGE) {
    const dictionary = sub(7);
    header.numValues = num(dictionary, 1);
    header.encoding = num(dictionary, 2);
  } else if (type === PageType.DATA_PAGE_V2) {
    const data = sub(8);
    header.numValues = num(data, 1);
    header.encoding = num(data, 4);
    header.v2 = { numNulls: num(data, 2), definitionBytes: num(data, 5), repetitionBytes: num(data, 6), compressed: num(data, 7, 1) !== 0 };
  }
  return header;
}
