// Iceberg's single-value binary serialization (spec, appendix D), used for the
// lower/upper bounds in manifests: little-endian numbers, UTF-8 strings, raw binary,
// decimals as their unscaled value in big-endian two's complement, fewest bytes; uuids
// as their 16 bytes. A bound written before a column's type was promoted keeps its old
// width (an int's 4 bytes under a long, a float's under a double, a date's days under a
// timestamp): decoding goes by the bytes' length.
import type { PrimitiveType, Scalar } from "../schema.js";
import { uuidFromBytes, uuidToBytes } from "../uuid-text.js";

/** Big-endian two's complement in the fewest bytes that keep the sign (0n is one byte). */
export function encodeBigEndian(value: bigint, size?: number): Uint8Array {
  let bytes = size ?? 1;
  if (size === undefined) while (BigInt.asIntN(bytes * 8, value) !== value) bytes++;
  const out = new Uint8Array(bytes);
  let v = BigInt.asUintN(bytes * 8, value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function decodeBigEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes.length ? BigInt.asIntN(bytes.length * 8, v) : 0n;
}

export function encodeBound(value: Scalar, type: PrimitiveType): Uint8Array {
  if (value === null) throw new TypeError("a bound cannot be null");
  const view = (size: number) => new DataView(new ArrayBuffer(size));
  switch (type) {
    case "boolean":
      return Uint8Array.of(value ? 1 : 0);
    case "int":
    case "date": {
      const v = view(4);
      v.setInt32(0, Number(value), true);
      return new Uint8Array(v.buffer);
    }
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns": {
      const v = view(8);
      v.setBigInt64(0, BigInt(value as bigint | number), true);
      return new Uint8Array(v.buffer);
    }
    case "uuid":
      return uuidToBytes(String(value));
    case "float": {
      const v = view(4);
      v.setFloat32(0, Number(value), true);
      return new Uint8Array(v.buffer);
    }
    case "double": {
      const v = view(8);
      v.setFloat64(0, Number(value), true);
      return new Uint8Array(v.buffer);
    }
    case "string":
      return new TextEncoder().encode(String(value));
    case "binary":
      return value instanceof Uint8Array ? value : new TextEncoder().encode(String(value));
    default:
      return value instanceof Uint8Array ? value : encodeBigEndian(BigInt(value as bigint));
  }
}

export function decodeBound(bytes: Uint8Array, type: PrimitiveType): Scalar {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case "boolean":
      return bytes[0] !== 0;
    case "int":
    case "date":
      return v.getInt32(0, true);
    case "long":
    case "time":
      return bytes.length === 4 ? BigInt(v.getInt32(0, true)) : v.getBigInt64(0, true);
    case "timestamp_ns":
    case "timestamptz_ns":
      return bytes.length === 4 ? BigInt(v.getInt32(0, true)) * 86_400_000_000_000n : v.getBigInt64(0, true);
    case "timestamp":
    case "timestamptz":
      // 4 bytes: a date's days (the column was a date before it was promoted).
      return bytes.length === 4 ? BigInt(v.getInt32(0, true)) * 86_400_000_000n : v.getBigInt64(0, true);
    case "float":
      return v.getFloat32(0, true);
    case "double":
      return bytes.length === 4 ? v.getFloat32(0, true) : v.getFloat64(0, true);
    case "string":
      return new TextDecoder().decode(bytes);
    case "uuid":
      return uuidFromBytes(bytes);
    case "binary":
      return bytes.slice();
    default:
      return /^fixed\[/.test(type) ? bytes.slice() : decodeBigEndian(bytes);
  }
}
