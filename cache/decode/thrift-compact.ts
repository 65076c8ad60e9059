// A type-preserving reader and writer of Thrift's compact protocol, enough to edit a
// Parquet footer: structs decode to their fields in order, each keeping its field id
// and wire type, so an unchanged struct re-encodes to the same bytes and an edited one
// changes only where it was edited.

export const WireType = {
  Stop: 0, True: 1, False: 2, Byte: 3, I16: 4, I32: 5, I64: 6, Double: 7, Binary: 8, List: 9, Set: 10, Map: 11, Struct: 12,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftStruct | ThriftList;

export interface ThriftField {
  id: number;
  type: WireType;
  value: ThriftValue;
}

export interface ThriftStruct {
  kind: "struct";
  fields: ThriftField[];
}

export interface ThriftList {
  kind: "list";
  elementType: WireType;
  items: ThriftValue[];
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.bytes.length) throw new RangeError("Thrift data ends early");
    return this.bytes[this.pos++]!;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  value(type: WireType): ThriftValue {
    switch (type) {
      case WireType.True: return true;
      case WireType.False: return false;
      case WireType.Byte: return this.byte();
      case WireType.I16: case WireType.I32: return Number(this.zigzag());
      case WireType.I64: return this.zigzag();
      case WireType.Double: {
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true);
        this.pos += 8;
        return v;
      }
      case WireType.Binary: {
        const length = Number(this.varint());
        const v = this.bytes.subarray(this.pos, this.pos + length);
        this.pos += length;
        return v;
      }
      case WireType.List: case WireType.Set: {
        const header = this.byte();
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4;
        const elementType = (header & 0x0f) as WireType;
        const items: ThriftValue[] = [];
        for (let i = 0; i < size; i++) items.push(elementType === WireType.True || elementType === WireType.False ? this.byte() === 1 : this.value(elementType));
        return { kind: "list", elementType, items };
      }
      case WireType.Struct: return this.struct();
      default: throw new Error(`unsupported Thrift compact type ${type}`);
    }
  }

  struct(): ThriftStruct {
    const fields: ThriftField[] = [];
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return { kind: "struct", fields };
      const delta = header >> 4;
      const type = (header & 0x0f) as WireType;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      fields.push({ id, type, value: this.value(type) });
    }
  }
}

class Writer {
  chunks: number[] = [];
  parts: Uint8Array[] = [];

  #flush(): void {
    if (this.chunks.length) {
      this.parts.push(Uint8Array.from(this.chunks));
      this.chunks = [];
    }
  }

  varint(v: bigint): void {
    let x = v;
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
  }

  zigzag(v: bigint): void {
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }

  value(type: WireType, value: ThriftValue): void {
    switch (type) {
      case WireType.True: case WireType.False: return;
      case WireType.Byte: this.chunks.push(value as number); return;
      case WireType.I16: case WireType.I32: this.zigzag(BigInt(value as number)); return;
      case WireType.I64: this.zigzag(BigInt(value as bigint)); return;
      case WireType.Double: {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setFloat64(0, value as number, true);
        this.chunks.push(...b);
        return;
      }
      case WireType.Binary: {
        const bytes = value as Uint8Array;
        this.varint(BigInt(bytes.length));
        this.#flush();
        this.parts.push(bytes);
        return;
      }
      case WireType.List: case WireType.Set: {
        const list = value as ThriftList;
        const size = list.items.length;
        if (size < 15) this.chunks.push((size << 4) | list.elementType);
        else {
          this.chunks.push(0xf0 | list.elementType);
          this.varint(BigInt(size));
        }
        for (const item of list.items) {
          if (list.elementType === WireType.True || list.elementType === WireType.False) this.chunks.push(item ? 1 : 2);
          else this.value(list.elementType, item);
        }
        return;
      }
      case WireType.Struct: this.struct(value as ThriftStruct); return;
      default: throw new Error(`unsupported Thrift compact type ${type}`);
    }
  }

  struct(s: ThriftStruct): void {
    let last = 0;
    for (const field of s.fields) {
      const type = field.type === WireType.True || field.type === WireType.False ? (field.value ? WireType.True : WireType.False) : field.type;
      const delta = field.id - last;
      if (delta > 0 && delta <= 15) this.chunks.push((delta << 4) | type);
      else {
        this.chunks.push(type);
        this.zigzag(BigInt(field.id));
      }
      last = field.id;
      this.value(type, field.value);
    }
    this.chunks.push(0);
  }

  finish(): Uint8Array {
    this.#flush();
    const total = this.parts.reduce((s, p) => s + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export function decodeStruct(bytes: Uint8Array): ThriftStruct {
  return new Reader(bytes).struct();
}

/** A struct that starts at `offset` of `bytes`, and where it ends (a page header before its page). */
export function decodeStructAt(bytes: Uint8Array, offset: number): { struct: ThriftStruct; end: number } {
  const reader = new Reader(bytes);
  reader.pos = offset;
  const struct = reader.struct();
  return { struct, end: reader.pos };
}

export function encodeStruct(struct: ThriftStruct): Uint8Array {
  const w = new Writer();
  w.struct(struct);
  return w.finish();
}

export function getField(s: ThriftStruct, id: number): ThriftField | undefined {
  return s.fields.find((f) => f.id === id);
}

/** Sets (or adds, keeping ids in order) a field. */
export function setField(s: ThriftStruct, id: number, type: WireType, value: ThriftValue): void {
  const existing = getField(s, id);
  if (existing) {
    existing.type = type;
    existing.value = value;
    return;
  }
  s.fields.push({ id, type, value });
  s.fields.sort((a, b) => a.id - b.id);
}

export function removeFields(s: ThriftStruct, ids: number[]): void {
  s.fields = s.fields.filter((f) => !ids.includes(f.id));
}
